#include "models/token_batch.h"

#include <cassert>

namespace hearth {

TokenBatch::TokenBatch(int32_t capacity)
    : capacity_(capacity), batch_(llama_batch_init(capacity, /*embd=*/0, /*n_seq_max=*/1)) {}

TokenBatch::~TokenBatch() { llama_batch_free(batch_); }

int32_t TokenBatch::Add(llama_token token, llama_pos position, llama_seq_id sequence,
                        bool output) {
  assert(batch_.n_tokens < capacity_);
  const int32_t index = batch_.n_tokens++;
  batch_.token[index] = token;
  batch_.pos[index] = position;
  batch_.n_seq_id[index] = 1;
  batch_.seq_id[index][0] = sequence;
  batch_.logits[index] = output ? 1 : 0;
  return index;
}

}  // namespace hearth
