#include "base/fake_clock.h"

#include <cassert>

namespace hearth {

FakeClock::FakeClock() : FakeClock(std::chrono::system_clock::time_point(kDefaultWallStart)) {}

// The steady start is an arbitrary point well after the epoch, so that a
// default-initialized time_point in code under test compares as "long ago".
FakeClock::FakeClock(std::chrono::system_clock::time_point wall_start)
    : steady_(std::chrono::hours(1000)), wall_(wall_start) {}

std::chrono::steady_clock::time_point FakeClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return steady_;
}

std::chrono::system_clock::time_point FakeClock::WallNow() const {
  std::lock_guard<std::mutex> lock(mu_);
  return wall_;
}

void FakeClock::SleepFor(std::chrono::nanoseconds duration) {
  if (duration > std::chrono::nanoseconds::zero()) Advance(duration);
}

void FakeClock::Advance(std::chrono::nanoseconds duration) {
  assert(duration >= std::chrono::nanoseconds::zero() && "FakeClock cannot go backwards");
  if (duration < std::chrono::nanoseconds::zero()) return;
  std::lock_guard<std::mutex> lock(mu_);
  steady_ += duration;
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
}

void FakeClock::SetWallTime(std::chrono::system_clock::time_point time) {
  std::lock_guard<std::mutex> lock(mu_);
  wall_ = time;
}

}  // namespace hearth
