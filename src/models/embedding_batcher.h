// EmbeddingBatcher: runs many inputs through an embedding or reranking
// context with as few llama_decode calls as possible. Inputs are packed in
// order, one sequence each, into decodes of at most batch_size tokens and
// max_sequences sequences; each sequence's pooled output (llama.cpp
// pools as the model says: mean, CLS, last, or rank) is read back with
// llama_get_embeddings_seq.
//
// Thread-safety: owned by the inference thread (it decodes on the context).
//
// Example:
//   EmbeddingBatcher batcher(context, 512, 64, llama_model_n_embd_out(model));
//   ASSIGN_OR_RETURN(auto vectors, batcher.Run(inputs, stop));
//   for (auto& v : vectors) NormalizeL2(v);
#ifndef HEARTH_MODELS_EMBEDDING_BATCHER_H_
#define HEARTH_MODELS_EMBEDDING_BATCHER_H_

#include <cstdint>
#include <stop_token>
#include <vector>

#include "base/status.h"
#include "llama.h"
#include "models/token_batch.h"

namespace hearth {

class EmbeddingBatcher {
 public:
  // `context` (borrowed) was made with embeddings on, a pooling type, and
  // n_batch = n_ubatch = batch_size and n_seq_max >= max_sequences.
  // `output_size` floats are read per sequence (n_embd_out for embedders,
  // n_cls_out for rerankers).
  EmbeddingBatcher(llama_context* context, int32_t batch_size, int32_t max_sequences,
                   int32_t output_size);

  // One output per input, in order. Each input must be 1..batch_size tokens.
  // Errors: Cancelled when `stop` fires between decodes; Internal when
  // llama.cpp fails or yields no pooled output.
  StatusOr<std::vector<std::vector<float>>> Run(
      const std::vector<std::vector<llama_token>>& inputs, std::stop_token stop);

 private:
  // Decodes inputs[first, last) as sequences 0..n-1 and appends their outputs.
  Status DecodeGroup(const std::vector<std::vector<llama_token>>& inputs, size_t first,
                     size_t last, std::vector<std::vector<float>>& outputs);
  // The end of the group that starts at `first`.
  size_t GroupEnd(const std::vector<std::vector<llama_token>>& inputs, size_t first) const;

  llama_context* context_;
  size_t max_sequences_;
  int32_t output_size_;
  TokenBatch batch_;
};

// Scales `vector` to unit Euclidean length (a zero vector stays zero).
void NormalizeL2(std::vector<float>& vector);

}  // namespace hearth

#endif  // HEARTH_MODELS_EMBEDDING_BATCHER_H_
