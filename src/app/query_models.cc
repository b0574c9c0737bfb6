#include "app/query_models.h"

#include <utility>

#include "app/token_counter_cache.h"
#include "base/status_macros.h"
#include "models/model_name.h"

namespace hearth {

QueryEmbedder::~QueryEmbedder() = default;
QueryReranker::~QueryReranker() = default;

namespace {

// Marks the runner dead when the call failed because it went away, so the
// next lease starts a new one (as ingestion does).
template <typename T>
Status Checked(ModelLease& lease, const StatusOr<T>& result, std::string_view what,
               const ModelName& name) {
  if (result.ok()) return OkStatus();
  if (result.status().code() == StatusCode::kUnavailable) lease.ReportBackendFailure(result.status());
  return result.status().WithContext(std::string(what) + " with " + name.DisplayName());
}

class ModelQueryEmbedder final : public QueryEmbedder {
 public:
  ModelQueryEmbedder(ModelStore& models, Scheduler& scheduler)
      : models_(models), scheduler_(scheduler) {}

  StatusOr<std::string> IdentityOf(std::string_view model) override {
    ASSIGN_OR_RETURN(ModelName name, ParseModelName(model));
    ASSIGN_OR_RETURN(ResolvedModel resolved, models_.Resolve(name));
    return EmbedderId(resolved);
  }

  StatusOr<std::vector<float>> Embed(std::string_view model, std::string_view text,
                                     std::stop_token stop) override {
    ASSIGN_OR_RETURN(ModelName name, ParseModelName(model));
    ASSIGN_OR_RETURN(ModelLease lease, scheduler_.Acquire({.model = name, .purpose = "query"}));
    StatusOr<EmbedResult> embedded = lease.backend().Embed(
        {.inputs = {std::string(text)}, .normalize = true, .truncate = true}, stop);
    RETURN_IF_ERROR(Checked(lease, embedded, "embedding the query", name));
    if (embedded->embeddings.size() != 1) {
      return InternalError("embedder " + name.DisplayName() + " returned no vector for the query");
    }
    return std::move(embedded->embeddings[0]);
  }

 private:
  ModelStore& models_;
  Scheduler& scheduler_;
};

class ModelQueryReranker final : public QueryReranker {
 public:
  explicit ModelQueryReranker(Scheduler& scheduler) : scheduler_(scheduler) {}

  StatusOr<std::vector<float>> Rerank(std::string_view model, std::string_view query,
                                      std::span<const std::string> documents,
                                      std::stop_token stop) override {
    ASSIGN_OR_RETURN(ModelName name, ParseModelName(model));
    ASSIGN_OR_RETURN(ModelLease lease, scheduler_.Acquire({.model = name, .purpose = "rerank"}));
    StatusOr<RerankResult> reranked = lease.backend().Rerank(
        {.query = std::string(query), .documents = {documents.begin(), documents.end()}}, stop);
    RETURN_IF_ERROR(Checked(lease, reranked, "reranking", name));
    if (reranked->scores.size() != documents.size()) {
      return InternalError("reranker " + name.DisplayName() + " returned " +
                           std::to_string(reranked->scores.size()) + " scores for " +
                           std::to_string(documents.size()) + " passages");
    }
    return std::move(reranked->scores);
  }

 private:
  Scheduler& scheduler_;
};

}  // namespace

std::unique_ptr<QueryEmbedder> MakeModelQueryEmbedder(ModelStore& models, Scheduler& scheduler) {
  return std::make_unique<ModelQueryEmbedder>(models, scheduler);
}

std::unique_ptr<QueryReranker> MakeModelQueryReranker(ModelStore&, Scheduler& scheduler) {
  return std::make_unique<ModelQueryReranker>(scheduler);
}

}  // namespace hearth
