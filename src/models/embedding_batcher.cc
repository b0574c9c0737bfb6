#include "models/embedding_batcher.h"

#include <cmath>
#include <string>

#include "base/status_macros.h"

namespace hearth {

EmbeddingBatcher::EmbeddingBatcher(llama_context* context, int32_t batch_size,
                                   int32_t max_sequences, int32_t output_size)
    : context_(context),
      max_sequences_(static_cast<size_t>(max_sequences)),
      output_size_(output_size),
      batch_(batch_size) {}

StatusOr<std::vector<std::vector<float>>> EmbeddingBatcher::Run(
    const std::vector<std::vector<llama_token>>& inputs, std::stop_token stop) {
  std::vector<std::vector<float>> outputs;
  outputs.reserve(inputs.size());
  for (size_t first = 0; first < inputs.size();) {
    if (stop.stop_requested()) return CancelledError("the embedding request was cancelled");
    const size_t last = GroupEnd(inputs, first);
    RETURN_IF_ERROR(DecodeGroup(inputs, first, last, outputs));
    first = last;
  }
  return outputs;
}

size_t EmbeddingBatcher::GroupEnd(const std::vector<std::vector<llama_token>>& inputs,
                                  size_t first) const {
  size_t tokens = 0;
  size_t last = first;
  while (last < inputs.size() && last - first < max_sequences_ &&
         tokens + inputs[last].size() <= static_cast<size_t>(batch_.capacity())) {
    tokens += inputs[last].size();
    ++last;
  }
  return last;
}

Status EmbeddingBatcher::DecodeGroup(const std::vector<std::vector<llama_token>>& inputs,
                                     size_t first, size_t last,
                                     std::vector<std::vector<float>>& outputs) {
  // Decoder-based embedders keep a KV cache; packed inputs must not see the
  // previous group's tokens.
  if (llama_memory_t memory = llama_get_memory(context_)) llama_memory_clear(memory, true);
  batch_.Clear();
  for (size_t i = first; i < last; ++i) {
    const auto sequence = static_cast<llama_seq_id>(i - first);
    for (size_t p = 0; p < inputs[i].size(); ++p) {
      batch_.Add(inputs[i][p], static_cast<llama_pos>(p), sequence, true);
    }
  }
  const int32_t code = llama_decode(context_, batch_.get());
  if (code != 0) return InternalError("llama_decode failed with code " + std::to_string(code));
  for (size_t i = first; i < last; ++i) {
    const float* pooled = llama_get_embeddings_seq(context_, static_cast<llama_seq_id>(i - first));
    if (pooled == nullptr) return InternalError("llama.cpp returned no pooled embedding");
    outputs.emplace_back(pooled, pooled + output_size_);
  }
  return OkStatus();
}

void NormalizeL2(std::vector<float>& vector) {
  double sum = 0.0;
  for (float value : vector) sum += double{value} * value;
  if (sum <= 0.0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& value : vector) value *= scale;
}

}  // namespace hearth
