// EngineSlot: one generation sequence of the engine's llama_context — the
// tokens its KV cache holds, and the request it is working on, if any.
//
// A slot keeps its tokens after a request ends (also after cancellation), so
// a later request whose prompt starts with them prefills only the rest
// (ReusableLength). While busy, a slot is first prefilling (its prompt goes
// into the batch in chunks), then generating (one token per decode).
//
// Thread-safety: owned by the inference thread (engine_loop.h).
//
// Example (the loop, simplified):
//   slot.Start(job);
//   while (slot.busy()) {
//     batch.Clear();
//     slot.AddToBatch(batch);
//     if (llama_decode(context, batch.get()) != 0) slot.AbortDecode(error);
//     else slot.AfterDecode(context);
//   }
#ifndef HEARTH_MODELS_ENGINE_SLOT_H_
#define HEARTH_MODELS_ENGINE_SLOT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/status.h"
#include "llama.h"
#include "models/generation_job.h"
#include "models/generation_output.h"
#include "models/inference.h"
#include "models/token_batch.h"

namespace hearth {

class EngineSlot {
 public:
  // Sequence `sequence` of `context`, holding at most `context_length`
  // tokens. `vocab` and `context` are borrowed.
  EngineSlot(llama_context* context, const llama_vocab* vocab, llama_seq_id sequence,
             int32_t context_length);

  bool busy() const { return job_ != nullptr; }
  bool prefilling() const { return busy() && prompt_done_ < prompt_size(); }
  bool generating() const { return pending_.has_value(); }
  // When the slot last finished a request (for least-recently-used choice).
  uint64_t last_used() const { return last_used_; }

  // How many of `prompt`'s tokens this slot's cache already holds and would
  // not prefill again (always leaves the last prompt token to evaluate).
  size_t ReusableLength(const std::vector<llama_token>& prompt) const;

  // Takes `job` (requires !busy()): drops cached tokens past the reusable
  // prefix and starts prefilling the rest.
  void Start(std::shared_ptr<GenerationJob> job);

  // Ends the request with Cancelled if its caller gave up. The cache keeps
  // what was evaluated. Returns true if it did.
  bool ReleaseIfCancelled(uint64_t tick);

  // Adds this slot's next tokens to `batch`, at most batch.room(): the
  // pending generated token, or the next chunk of the prompt.
  void AddToBatch(TokenBatch& batch);
  // True if the last AddToBatch added anything.
  bool in_batch() const { return !staged_.empty(); }

  // After a successful decode of a batch this slot was in: records the
  // tokens as cached; samples, streams and checks for the end when the
  // batch carried this slot's output. `tick` stamps a finished request.
  void AfterDecode(uint64_t tick);

  // After a failed decode: ends the request with `error` and drops whatever
  // the decode may have left of this slot's tokens.
  void AbortDecode(const Status& error, uint64_t tick);

  // Ends the request (if any) with `error` (engine shutdown).
  void Fail(const Status& error);

 private:
  size_t prompt_size() const { return busy() ? job_->input().prompt.size() : 0; }
  void HandleToken(llama_token token, uint64_t tick);
  bool OutOfRoom() const;
  void Emit(std::optional<GeneratePiece> piece);
  void Complete(FinishReason reason, uint64_t tick);
  void Release(uint64_t tick);

  llama_context* context_;
  const llama_vocab* vocab_;
  const llama_seq_id sequence_;
  const int32_t context_length_;

  std::vector<llama_token> cached_;  // tokens in the KV cache, positions 0..n-1
  uint64_t last_used_ = 0;

  // The current request.
  std::shared_ptr<GenerationJob> job_;
  size_t prompt_done_ = 0;  // prompt tokens in the cache
  std::optional<llama_token> pending_;  // sampled, not yet decoded
  std::vector<llama_token> staged_;     // in the current batch
  int32_t output_index_ = -1;           // this slot's output in the batch
  std::optional<GenerationOutput> output_;
  GenerateResult result_;
  std::chrono::steady_clock::time_point phase_start_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_ENGINE_SLOT_H_
