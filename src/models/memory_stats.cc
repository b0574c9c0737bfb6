#include "models/memory_stats.h"

#include <unistd.h>

#include <fstream>

namespace hearth {

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size_pages = 0;
  uint64_t resident_pages = 0;
  if (!(statm >> size_pages >> resident_pages)) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? resident_pages * static_cast<uint64_t>(page) : 0;
}

uint64_t KvCacheBytes(const llama_model* model, const llama_context* context, KvCacheType type) {
  if (llama_get_memory(context) == nullptr) return 0;
  const auto heads = static_cast<uint64_t>(llama_model_n_head(model));
  if (heads == 0) return 0;
  const uint64_t head_size = static_cast<uint64_t>(llama_model_n_embd(model)) / heads;
  const uint64_t per_token_elements = 2 * static_cast<uint64_t>(llama_model_n_head_kv(model)) *
                                      head_size * static_cast<uint64_t>(llama_model_n_layer(model));
  const uint64_t elements = per_token_elements * llama_n_ctx(context);
  // q8_0 stores 32 values in 34 bytes; f16 two bytes each.
  return type == KvCacheType::kQ8_0 ? elements / 32 * 34 : elements * 2;
}

}  // namespace hearth
