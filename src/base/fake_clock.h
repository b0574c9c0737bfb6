// FakeClock: a Clock whose time moves only when a test says so.
//
// Both times start at fixed values: Now() at an arbitrary steady time point and
// WallNow() at 2026-01-01T00:00:00.000Z. Advance() moves both forward by the
// same amount; SleepFor() advances instead of blocking, so code under test that
// sleeps returns immediately and observes the time having passed.
//
//   FakeClock clock;
//   KeepAlive keep_alive(clock, std::chrono::minutes(5));
//   clock.Advance(std::chrono::minutes(6));
//   EXPECT_TRUE(keep_alive.Expired());
//
// Thread-safety: thread-safe; all methods may be called concurrently.

#ifndef HEARTH_BASE_FAKE_CLOCK_H_
#define HEARTH_BASE_FAKE_CLOCK_H_

#include <chrono>
#include <mutex>

#include "base/clock.h"
#include "base/thread_annotations.h"

namespace hearth {

class FakeClock final : public Clock {
 public:
  // The wall time a default-constructed FakeClock starts at:
  // 2026-01-01T00:00:00Z (1767225600 seconds after the Unix epoch).
  static constexpr std::chrono::seconds kDefaultWallStart{1767225600};

  FakeClock();
  explicit FakeClock(std::chrono::system_clock::time_point wall_start);

  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  std::chrono::steady_clock::time_point Now() const override;
  std::chrono::system_clock::time_point WallNow() const override;

  // Advances both times by `duration` and returns at once. A negative
  // duration is ignored, as it is by std::this_thread::sleep_for.
  void SleepFor(std::chrono::nanoseconds duration) override;

  // Advances both times by `duration`, which must not be negative (the steady
  // time never goes backwards; a negative value asserts in debug builds and
  // is ignored otherwise).
  void Advance(std::chrono::nanoseconds duration);

  // Sets the wall time to `time` (forwards or backwards, like an NTP step);
  // the steady time is unchanged.
  void SetWallTime(std::chrono::system_clock::time_point time);

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point steady_ GUARDED_BY(mu_);
  std::chrono::system_clock::time_point wall_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_BASE_FAKE_CLOCK_H_
