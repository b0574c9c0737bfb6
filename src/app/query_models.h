// QueryEmbedder and QueryReranker: the two model calls retrieval makes,
// behind interfaces so that the Retriever can be tested with fakes.
//
// The real ones (MakeModelQueryEmbedder / MakeModelQueryReranker) resolve the
// model name in the ModelStore and lease the model from the Scheduler for
// each call, like ingestion does.
//
// Thread-safety: implementations are thread-safe.
#ifndef HEARTH_APP_QUERY_MODELS_H_
#define HEARTH_APP_QUERY_MODELS_H_

#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/model_store.h"
#include "models/scheduler.h"

namespace hearth {

class QueryEmbedder {
 public:
  virtual ~QueryEmbedder();

  // The identity of the vectors `model` (a model name, e.g. the workspace's
  // embedder setting) makes: EmbedderId() of the resolved model. It keys the
  // vector index and the query cache, so it must be cheap (no model load).
  // Errors: InvalidArgument for a malformed name; NotFound when the model is
  // not installed.
  virtual StatusOr<std::string> IdentityOf(std::string_view model) = 0;

  // The L2-normalized embedding of `text` by `model`. Errors: those of the
  // model's resolution, lease and Embed; Cancelled when `stop` is requested.
  virtual StatusOr<std::vector<float>> Embed(std::string_view model, std::string_view text,
                                             std::stop_token stop) = 0;
};

class QueryReranker {
 public:
  virtual ~QueryReranker();

  // One relevance score of each of `documents` to `query` by the reranker
  // `model`, in order; higher is more relevant (raw logits, any scale).
  // Errors: those of the model's resolution, lease and Rerank.
  virtual StatusOr<std::vector<float>> Rerank(std::string_view model, std::string_view query,
                                              std::span<const std::string> documents,
                                              std::stop_token stop) = 0;
};

// The real ones. `models` and `scheduler` must outlive them.
std::unique_ptr<QueryEmbedder> MakeModelQueryEmbedder(ModelStore& models, Scheduler& scheduler);
std::unique_ptr<QueryReranker> MakeModelQueryReranker(ModelStore& models, Scheduler& scheduler);

}  // namespace hearth

#endif  // HEARTH_APP_QUERY_MODELS_H_
