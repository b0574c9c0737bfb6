#include "models/runner_log_drain.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "base/logging.h"

namespace hearth {

RunnerLogDrain::RunnerLogDrain(int fd, std::string prefix, size_t tail_bytes)
    : fd_(fd),
      prefix_(std::move(prefix)),
      tail_bytes_(tail_bytes),
      thread_([this](std::stop_token stop) { Run(stop); }) {}

RunnerLogDrain::~RunnerLogDrain() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

std::string RunnerLogDrain::Tail() const {
  std::lock_guard lock(mu_);
  return tail_;
}

void RunnerLogDrain::Run(std::stop_token stop) {
  char buffer[4096];
  while (!stop.stop_requested()) {
    pollfd entry{.fd = fd_, .events = POLLIN, .revents = 0};
    int ready = ::poll(&entry, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the runner has exited (or closed stderr)
    partial_.append(buffer, static_cast<size_t>(n));
    for (size_t end; (end = partial_.find('\n')) != std::string::npos;) {
      AddLine(partial_.substr(0, end));
      partial_.erase(0, end + 1);
    }
    // A runaway line without a newline is cut rather than kept growing.
    if (partial_.size() > tail_bytes_) AddLine(std::exchange(partial_, {}));
  }
  if (!partial_.empty()) AddLine(std::exchange(partial_, {}));
  std::lock_guard lock(mu_);
  ended_ = true;
  ended_cv_.notify_all();
}

bool RunnerLogDrain::WaitForEnd(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return ended_cv_.wait_for(lock, timeout, [this] { return ended_; });
}

void RunnerLogDrain::AddLine(std::string line) {
  if (line.empty()) return;
  HEARTH_LOG(INFO) << prefix_ << ": " << line;
  std::lock_guard lock(mu_);
  if (!tail_.empty()) tail_ += " | ";
  tail_ += line;
  if (tail_.size() > tail_bytes_) tail_.erase(0, tail_.size() - tail_bytes_);
}

}  // namespace hearth
