// GenerationJob: one Generate request on its way through the engine — the
// hand-off between the caller's thread, which waits and receives pieces, and
// the inference thread, which produces them.
//
// The inference thread calls Emit for each piece and Finish once; the caller
// calls Await, which runs the piece callback on the caller's thread and
// returns the result. Cancellation (the stop token, a callback returning
// false, or Cancel) makes Await return Cancelled at once; the inference
// thread sees cancelled() at its next step and frees the slot.
//
// Thread-safety: thread-safe; input() is immutable after construction except
// for the sampler, which only the inference thread touches.
#ifndef HEARTH_MODELS_GENERATION_JOB_H_
#define HEARTH_MODELS_GENERATION_JOB_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "llama-cpp.h"
#include "models/inference.h"

namespace hearth {

// A Generate request after validation: what the inference thread needs.
struct GenerationInput {
  std::vector<llama_token> prompt;  // never longer than the slot's context
  llama_sampler_ptr sampler;
  std::vector<std::string> stop;
  int32_t max_tokens = -1;  // < 0: until the context is full
  bool ignore_eos = false;
};

class GenerationJob {
 public:
  explicit GenerationJob(GenerationInput input);
  GenerationJob(const GenerationJob&) = delete;
  GenerationJob& operator=(const GenerationJob&) = delete;

  GenerationInput& input() { return input_; }
  std::chrono::steady_clock::time_point created() const { return created_; }

  // Inference thread: queues a piece for the caller.
  void Emit(GeneratePiece piece);
  // Inference thread: `token` was generated (not an end-of-generation token).
  void RecordGenerated(llama_token token) { generated_.push_back(token); }
  // Caller, once Await returned a result: the tokens RecordGenerated got.
  const std::vector<llama_token>& generated() const { return generated_; }
  // Inference thread: the request is over (a result or an error). Only the
  // first call counts.
  void Finish(StatusOr<GenerateResult> result);
  // True once the caller gave up; the inference thread should stop work.
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

  // Either side: give up on the request.
  void Cancel();

  // Caller: delivers pieces to `on_piece` (may be empty) until the job
  // finishes, then returns its result. Returns Cancelled when `stop` fires,
  // `on_piece` returns false, or Cancel is called.
  StatusOr<GenerateResult> Await(const PieceCallback& on_piece, std::stop_token stop);

 private:
  GenerationInput input_;
  const std::chrono::steady_clock::time_point created_;
  std::atomic<bool> cancelled_{false};
  // Written by the inference thread before Finish, read by the caller after
  // Await saw the result (ordered by mu_).
  std::vector<llama_token> generated_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<GeneratePiece> pieces_ GUARDED_BY(mu_);
  std::optional<StatusOr<GenerateResult>> result_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_MODELS_GENERATION_JOB_H_
