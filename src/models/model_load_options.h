// How a model is loaded into llama.cpp: the settings the scheduler chooses
// (context, slots, KV cache type) and the runner applies. Shared by the
// in-process engine (models/inference_engine.h), the runner process and its
// client (models/runner_client.h), and the memory planner.
//
// Thread-safety: a value type.
#ifndef HEARTH_MODELS_MODEL_LOAD_OPTIONS_H_
#define HEARTH_MODELS_MODEL_LOAD_OPTIONS_H_

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace hearth {

// The type of the KV cache's keys and values. q8_0 halves the cache at a
// small quality cost; the planner degrades to it before refusing a load.
enum class KvCacheType { kF16, kQ8_0 };

// "f16" / "q8_0".
std::string_view KvCacheTypeName(KvCacheType type);

struct ModelLoadOptions {
  // The GGUF file (a blob in the model store). It has passed ReadGgufFile.
  std::filesystem::path model_path;
  // Tokens of context per slot. The KV cache holds context_length * slots.
  int32_t context_length = 4096;
  // Concurrent sequences (continuous batching). Embedders use one sequence
  // per input of a batch instead and ignore this.
  int32_t slots = 1;
  // CPU threads for decoding; 0 = the number of cores.
  int32_t threads = 0;
  // Tokens per llama_decode call (n_batch = n_ubatch): the chunk size of
  // chunked prefill and the packing limit of embedding batches.
  int32_t batch_size = 512;
  KvCacheType kv_cache_type = KvCacheType::kF16;
  // Memory-map the weights (shared with the page cache; the default).
  bool use_mmap = true;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_LOAD_OPTIONS_H_
