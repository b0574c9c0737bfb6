// EngineLoop: the inference thread. It owns the llama_context of an
// EngineModel and is the only thread that decodes.
//
// Each turn of the loop:
//   1. frees the slots of requests whose callers gave up (Cancelled),
//   2. runs queued context tasks (embedding and rerank batches),
//   3. hands queued generations to free slots — the slot whose cached tokens
//      share the longest prefix with the prompt, then the least recently
//      used — FIFO,
//   4. builds one batch: the next token of every generating slot, then
//      prompt chunks of prefilling slots up to batch_size (chunked prefill),
//   5. decodes it once, and lets every slot in it sample and stream.
// With nothing to do it sleeps until work arrives.
//
// Thread-safety: Submit, RunTask and active_requests are thread-safe. The
// destructor stops the thread; requests still queued or running end with
// Cancelled.
#ifndef HEARTH_MODELS_ENGINE_LOOP_H_
#define HEARTH_MODELS_ENGINE_LOOP_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "models/engine_model.h"
#include "models/engine_slot.h"
#include "models/generation_job.h"
#include "models/token_batch.h"

namespace hearth {

// Requests that may wait for a slot (or for the thread) before Submit and
// RunTask refuse more with ResourceExhausted.
inline constexpr size_t kMaxQueuedRequests = 256;

class EngineLoop {
 public:
  // Starts the inference thread on `model` (borrowed; must outlive this).
  explicit EngineLoop(EngineModel& model);
  ~EngineLoop();
  EngineLoop(const EngineLoop&) = delete;
  EngineLoop& operator=(const EngineLoop&) = delete;

  // Queues a generation. The job's result comes through job->Await.
  // ResourceExhausted when the queue is full.
  [[nodiscard]] Status Submit(std::shared_ptr<GenerationJob> job);

  // Runs `task` on the inference thread, between decodes, and returns its
  // status. ResourceExhausted when the queue is full; Cancelled when the
  // loop stops first.
  [[nodiscard]] Status RunTask(std::function<Status()> task);

  // Requests queued or in a slot.
  int32_t active_requests() const;

 private:
  struct Task {
    std::function<Status()> run;
    std::promise<Status> done;
  };

  void Main();
  // Waits for work; false when the loop should stop.
  bool WaitForWork();
  void RunTasks();
  void AdmitJobs();
  EngineSlot* ChooseSlot(const std::vector<llama_token>& prompt);
  void Step();
  void FailEverything();

  EngineModel& model_;
  std::vector<EngineSlot> slots_;  // inference thread only
  TokenBatch batch_;               // inference thread only
  uint64_t tick_ = 0;              // inference thread only
  // When the last decode's sampling ended, or the loop started (the debug
  // log's step gaps).
  std::chrono::steady_clock::time_point last_step_end_ =
      std::chrono::steady_clock::now();  // inference thread only

  mutable std::mutex mu_;
  std::condition_variable work_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::deque<std::shared_ptr<GenerationJob>> queued_ GUARDED_BY(mu_);
  std::deque<std::unique_ptr<Task>> tasks_ GUARDED_BY(mu_);
  int32_t busy_slots_ GUARDED_BY(mu_) = 0;

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace hearth

#endif  // HEARTH_MODELS_ENGINE_LOOP_H_
