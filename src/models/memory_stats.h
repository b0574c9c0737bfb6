// What a loaded model costs in memory, for InferenceStats and the planner's
// feedback: the process's resident set, the weights, the KV cache.
//
// Thread-safety: thread-safe.
#ifndef HEARTH_MODELS_MEMORY_STATS_H_
#define HEARTH_MODELS_MEMORY_STATS_H_

#include <cstdint>

#include "llama.h"
#include "models/model_load_options.h"

namespace hearth {

// This process's resident set size in bytes, from /proc/self/statm; 0 when
// it cannot be read.
uint64_t ResidentBytes();

// Bytes of the KV cache `context` holds for `model`: every layer's keys and
// values for n_ctx tokens at the cache's type (an estimate from the model's
// shape; exact for plain attention). 0 for models without a KV cache.
uint64_t KvCacheBytes(const llama_model* model, const llama_context* context, KvCacheType type);

}  // namespace hearth

#endif  // HEARTH_MODELS_MEMORY_STATS_H_
