// RunnerLogDrain: reads a runner's captured stderr on its own thread, so the
// runner never blocks on a full pipe. Each line goes to hearth's log with the
// runner's name in front, and the last few KiB are kept for error messages
// ("the runner exited with status 1: <tail>").
//
// Thread-safety: Tail() may be called from any thread.
#ifndef HEARTH_MODELS_RUNNER_LOG_DRAIN_H_
#define HEARTH_MODELS_RUNNER_LOG_DRAIN_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "base/thread_annotations.h"

namespace hearth {

class RunnerLogDrain {
 public:
  // Reads `fd` (borrowed; it must stay open until this object is destroyed)
  // until its end, logging lines as "<prefix>: <line>".
  RunnerLogDrain(int fd, std::string prefix, size_t tail_bytes = 4096);
  RunnerLogDrain(const RunnerLogDrain&) = delete;
  RunnerLogDrain& operator=(const RunnerLogDrain&) = delete;
  // Stops reading (within ~100 ms) and joins the thread.
  ~RunnerLogDrain();

  // The last lines read (at most tail_bytes), joined with " | "; "" if none.
  std::string Tail() const;

  // Waits at most `timeout` for the end of the output (the runner exited and
  // every line has been read); true if it came.
  bool WaitForEnd(std::chrono::milliseconds timeout);

 private:
  void Run(std::stop_token stop);
  void AddLine(std::string line);

  const int fd_;
  const std::string prefix_;
  const size_t tail_bytes_;
  std::string partial_;  // owned by the thread
  mutable std::mutex mu_;
  std::string tail_ GUARDED_BY(mu_);
  bool ended_ GUARDED_BY(mu_) = false;
  std::condition_variable ended_cv_;
  std::jthread thread_;  // last: starts after the members it uses exist
};

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_LOG_DRAIN_H_
