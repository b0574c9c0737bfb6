// Clock: the source of time for everything in hearth that waits or expires.
//
// Code that measures durations (timeouts, keep-alive, rate limits) uses
// Now(), a monotonic time unaffected by wall-clock changes; code that records
// when something happened (logs, file metadata) uses WallNow(). Components take
// a Clock& so that tests can inject a FakeClock (base/fake_clock.h) and control
// time instead of sleeping.
//
//   Clock& clock = Clock::Real();
//   const auto deadline = clock.Now() + std::chrono::seconds(5);
//   while (clock.Now() < deadline && !done) clock.SleepFor(std::chrono::milliseconds(10));
//
// Thread-safety: implementations must be safe to call from any thread.

#ifndef HEARTH_BASE_CLOCK_H_
#define HEARTH_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace hearth {

class Clock {
 public:
  virtual ~Clock();

  // Monotonic time, for measuring intervals and computing deadlines.
  virtual std::chrono::steady_clock::time_point Now() const = 0;

  // Calendar (UTC) time, for timestamps shown to people.
  virtual std::chrono::system_clock::time_point WallNow() const = 0;

  // Blocks the calling thread for at least `duration` (no-op if not positive).
  virtual void SleepFor(std::chrono::nanoseconds duration) = 0;

  // The clock of the machine. The returned object lives for the whole
  // process; never delete it.
  static Clock& Real();
};

// Formats `time` as an RFC 3339 UTC timestamp with milliseconds, e.g.
// "2026-11-21T14:03:05.123Z". Sub-millisecond digits are truncated (rounded
// toward the past).
std::string FormatRfc3339(std::chrono::system_clock::time_point time);
// The same for a time stored as milliseconds since the Unix epoch.
std::string FormatRfc3339UnixMillis(int64_t unix_ms);

}  // namespace hearth

#endif  // HEARTH_BASE_CLOCK_H_
