#include "models/generation_job.h"

#include <utility>

namespace hearth {

GenerationJob::GenerationJob(GenerationInput input)
    : input_(std::move(input)), created_(std::chrono::steady_clock::now()) {}

void GenerationJob::Emit(GeneratePiece piece) {
  {
    std::lock_guard lock(mu_);
    pieces_.push_back(std::move(piece));
  }
  changed_.notify_all();
}

void GenerationJob::Finish(StatusOr<GenerateResult> result) {
  {
    std::lock_guard lock(mu_);
    if (result_.has_value()) return;
    result_.emplace(std::move(result));
  }
  changed_.notify_all();
}

void GenerationJob::Cancel() {
  {
    // Taking the lock orders the flag with Await's wait predicate.
    std::lock_guard lock(mu_);
    cancelled_.store(true, std::memory_order_relaxed);
  }
  changed_.notify_all();
}

StatusOr<GenerateResult> GenerationJob::Await(const PieceCallback& on_piece,
                                              std::stop_token stop) {
  std::stop_callback on_stop(stop, [this] { Cancel(); });
  std::unique_lock lock(mu_);
  while (true) {
    changed_.wait(lock, [&] { return cancelled() || !pieces_.empty() || result_.has_value(); });
    if (cancelled()) return CancelledError("the request was cancelled");
    while (!pieces_.empty()) {
      GeneratePiece piece = std::move(pieces_.front());
      pieces_.pop_front();
      lock.unlock();
      const bool keep_going = !on_piece || on_piece(piece);
      if (!keep_going) {
        Cancel();
        return CancelledError("generation was stopped by the receiver of its output");
      }
      lock.lock();
    }
    if (cancelled()) return CancelledError("the request was cancelled");
    if (result_.has_value()) return std::move(*result_);
  }
}

}  // namespace hearth
