// StreamRecheck: an open stream's periodic re-check of its authorization
// (RequestContext::Recheck), at most once per interval, so that a revoked
// credential, a suspension or a demotion stops the stream at once without a
// database read per token. Internal to server/.
//
// Thread-safety: one stream's thread.
#ifndef HEARTH_SERVER_STREAM_RECHECK_H_
#define HEARTH_SERVER_STREAM_RECHECK_H_

#include <chrono>
#include <functional>
#include <utility>

#include "base/status.h"

namespace hearth::internal {

inline constexpr std::chrono::milliseconds kStreamRecheckInterval{250};

class StreamRecheck {
 public:
  explicit StreamRecheck(std::function<Status()> recheck,
                         std::chrono::milliseconds interval = kStreamRecheckInterval)
      : recheck_(std::move(recheck)), interval_(interval) {}

  // OK, or the first failed re-check (remembered: once denied, always).
  Status Check() {
    if (!denied_.ok() || !recheck_) return denied_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < interval_) return OkStatus();
    last_ = now;
    denied_ = recheck_();
    return denied_;
  }

 private:
  std::function<Status()> recheck_;
  const std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_{};
  Status denied_;
};

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_STREAM_RECHECK_H_
