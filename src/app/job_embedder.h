// JobEmbedder: the embedder a background job (ingest, reembed) works with,
// resolved from its model name, and the one way those jobs get vectors: the
// embedding cache first, the misses embedded through a scheduler lease (which
// keeps the embedder loaded beside the chat model when the budget allows).
//
// Thread-safety: the functions may run on several threads at once; each call
// borrows its Database for the call only (externally synchronized, like the
// Database).
//
// Example:
//   ASSIGN_OR_RETURN(JobEmbedder embedder, ResolveJobEmbedder(models, "nomic-embed-text"));
//   std::vector<CachedEmbedding> fresh;
//   ASSIGN_OR_RETURN(auto vectors, VectorsFor(reader, scheduler, embedder, "ingest", texts,
//                                             &fresh, stop));
//   ... store `fresh` in the embedding cache in the transaction that uses the vectors ...
#ifndef HEARTH_APP_JOB_EMBEDDER_H_
#define HEARTH_APP_JOB_EMBEDDER_H_

#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/model_name.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "store/database.h"
#include "store/embedding_cache.h"

namespace hearth {

struct JobEmbedder {
  ModelName name;
  ResolvedModel model;
  std::string id;  // EmbedderId(): what the cache and the index change log key on
};

// Errors: InvalidArgument for a malformed model name; NotFound when no such
// model is installed (both name the model).
StatusOr<JobEmbedder> ResolveJobEmbedder(const ModelStore& models, std::string_view model_name);

// One text to embed and its embedding cache key (both borrowed for the call).
struct TextToEmbed {
  std::string_view content_hash;
  std::string_view text;
};

// The vectors of `texts`, in order: those cached under `embedder.id` read
// through `reader`, the rest embedded once per distinct hash (normalized,
// truncated to the embedder's context) under a scheduler lease taken for
// `purpose`. The newly embedded vectors are appended to `*fresh` for the
// caller to store. Errors: those of the scheduler and the embedder (an
// Unavailable backend is reported to the scheduler), Cancelled on `stop`.
StatusOr<std::vector<std::vector<float>>> VectorsFor(Database& reader, Scheduler& scheduler,
                                                     const JobEmbedder& embedder,
                                                     std::string_view purpose,
                                                     std::span<const TextToEmbed> texts,
                                                     std::vector<CachedEmbedding>* fresh,
                                                     std::stop_token stop);

}  // namespace hearth

#endif  // HEARTH_APP_JOB_EMBEDDER_H_
