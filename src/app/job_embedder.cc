#include "app/job_embedder.h"

#include <utility>

#include "app/token_counter_cache.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

StatusOr<std::vector<std::vector<float>>> Embed(Scheduler& scheduler, const JobEmbedder& embedder,
                                                std::string_view purpose,
                                                std::vector<std::string> texts,
                                                std::stop_token stop) {
  ASSIGN_OR_RETURN(ModelLease lease,
                   scheduler.Acquire({.model = embedder.name, .purpose = std::string(purpose)}));
  StatusOr<EmbedResult> embedded =
      lease.backend().Embed({.inputs = std::move(texts), .normalize = true, .truncate = true}, stop);
  if (!embedded.ok()) {
    if (embedded.status().code() == StatusCode::kUnavailable) {
      lease.ReportBackendFailure(embedded.status());
    }
    return embedded.status().WithContext("embedding with " + embedder.name.DisplayName());
  }
  return std::move(embedded->embeddings);
}

}  // namespace

StatusOr<JobEmbedder> ResolveJobEmbedder(const ModelStore& models, std::string_view model_name) {
  ASSIGN_OR_RETURN(ModelName name, ParseModelName(model_name));
  ASSIGN_OR_RETURN(ResolvedModel model, models.Resolve(name));
  std::string id = EmbedderId(model);
  return JobEmbedder{.name = std::move(name), .model = std::move(model), .id = std::move(id)};
}

StatusOr<std::vector<std::vector<float>>> VectorsFor(Database& reader, Scheduler& scheduler,
                                                     const JobEmbedder& embedder,
                                                     std::string_view purpose,
                                                     std::span<const TextToEmbed> texts,
                                                     std::vector<CachedEmbedding>* fresh,
                                                     std::stop_token stop) {
  std::vector<std::string> hashes;
  for (const TextToEmbed& text : texts) hashes.emplace_back(text.content_hash);
  ASSIGN_OR_RETURN(auto known, EmbeddingCache(reader).Lookup(embedder.id, hashes));
  std::vector<std::string> missing;
  std::vector<std::string> missing_hashes;
  for (const TextToEmbed& text : texts) {
    const std::string hash(text.content_hash);
    if (known.contains(hash)) continue;
    known.emplace(hash, std::vector<float>{});  // once per distinct text
    missing.emplace_back(text.text);
    missing_hashes.push_back(hash);
  }
  if (!missing.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors,
                     Embed(scheduler, embedder, purpose, std::move(missing), stop));
    if (vectors.size() != missing_hashes.size()) {
      return InternalError(embedder.name.DisplayName() + " returned " +
                           std::to_string(vectors.size()) + " vectors for " +
                           std::to_string(missing_hashes.size()) + " texts");
    }
    for (size_t i = 0; i < vectors.size(); ++i) {
      known[missing_hashes[i]] = vectors[i];
      fresh->push_back({.content_hash = missing_hashes[i], .vector = std::move(vectors[i])});
    }
  }
  std::vector<std::vector<float>> ordered;
  for (const std::string& hash : hashes) ordered.push_back(known.at(hash));
  return ordered;
}

}  // namespace hearth
