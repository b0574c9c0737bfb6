// TokenBatch: an owned llama_batch of token ids that the engine fills for
// each llama_decode call (one sequence id per token).
//
// Thread-safety: externally synchronized (owned by the inference thread).
//
// Example:
//   TokenBatch batch(512);
//   int32_t index = batch.Add(token, /*position=*/7, /*sequence=*/0, /*output=*/true);
//   llama_decode(context, batch.get());
#ifndef HEARTH_MODELS_TOKEN_BATCH_H_
#define HEARTH_MODELS_TOKEN_BATCH_H_

#include <cstdint>

#include "llama.h"

namespace hearth {

class TokenBatch {
 public:
  // Room for `capacity` (>= 1) tokens.
  explicit TokenBatch(int32_t capacity);
  ~TokenBatch();
  TokenBatch(const TokenBatch&) = delete;
  TokenBatch& operator=(const TokenBatch&) = delete;

  // Appends a token and returns its index in the batch (what
  // llama_sampler_sample and llama_get_logits_ith take). Requires
  // size() < capacity(). `output` asks for its logits / embedding.
  int32_t Add(llama_token token, llama_pos position, llama_seq_id sequence, bool output);

  // Empties the batch.
  void Clear() { batch_.n_tokens = 0; }

  int32_t size() const { return batch_.n_tokens; }
  int32_t capacity() const { return capacity_; }
  int32_t room() const { return capacity_ - batch_.n_tokens; }
  const llama_batch& get() const { return batch_; }

 private:
  int32_t capacity_;
  llama_batch batch_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_TOKEN_BATCH_H_
