#include "base/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "base/fake_clock.h"

namespace hearth {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point FromMillis(int64_t millis) {
  return system_clock::time_point(milliseconds(millis));
}

TEST(FormatRfc3339Test, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(FromMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromMillis(1795269785123)), "2026-11-21T14:03:05.123Z");
  EXPECT_EQ(FormatRfc3339(FromMillis(951782400000)), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromMillis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(FormatRfc3339Test, TruncatesSubMilliseconds) {
  const auto time = FromMillis(1000) + std::chrono::microseconds(999);
  EXPECT_EQ(FormatRfc3339(time), "1970-01-01T00:00:01.000Z");
}

TEST(RealClockTest, SteadyTimeDoesNotGoBackwardsAndSleepWaits) {
  Clock& clock = Clock::Real();
  EXPECT_EQ(&clock, &Clock::Real());
  const auto before = clock.Now();
  clock.SleepFor(milliseconds(2));
  EXPECT_GE(clock.Now() - before, milliseconds(2));
}

TEST(FakeClockTest, StartsAtAFixedTime) {
  const FakeClock clock;
  EXPECT_EQ(FormatRfc3339(clock.WallNow()), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(clock.Now(), FakeClock().Now());
  const FakeClock custom(FromMillis(5));
  EXPECT_EQ(custom.WallNow(), FromMillis(5));
}

TEST(FakeClockTest, AdvanceMovesBothTimes) {
  FakeClock clock;
  const auto steady = clock.Now();
  const auto wall = clock.WallNow();
  clock.Advance(std::chrono::minutes(6));
  EXPECT_EQ(clock.Now() - steady, std::chrono::minutes(6));
  EXPECT_EQ(clock.WallNow() - wall, std::chrono::minutes(6));
  EXPECT_EQ(FormatRfc3339(clock.WallNow()), "2026-01-01T00:06:00.000Z");
}

TEST(FakeClockTest, SleepForAdvancesInsteadOfBlocking) {
  FakeClock clock;
  const auto steady = clock.Now();
  const auto real_before = std::chrono::steady_clock::now();
  clock.SleepFor(std::chrono::hours(24));
  EXPECT_EQ(clock.Now() - steady, std::chrono::hours(24));
  EXPECT_LT(std::chrono::steady_clock::now() - real_before, std::chrono::hours(1));
  clock.SleepFor(milliseconds(-5));
  EXPECT_EQ(clock.Now() - steady, std::chrono::hours(24));
}

TEST(FakeClockTest, SetWallTimeLeavesSteadyTimeAlone) {
  FakeClock clock;
  const auto steady = clock.Now();
  clock.SetWallTime(FromMillis(1795269785123));
  EXPECT_EQ(FormatRfc3339(clock.WallNow()), "2026-11-21T14:03:05.123Z");
  EXPECT_EQ(clock.Now(), steady);
}

TEST(FakeClockTest, ConcurrentAdvancesAllCount) {
  FakeClock clock;
  const auto steady = clock.Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.Advance(milliseconds(1));
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(clock.Now() - steady, milliseconds(4000));
}

TEST(FakeClockTest, UsableThroughTheClockInterface) {
  FakeClock fake;
  Clock& clock = fake;
  const auto deadline = clock.Now() + std::chrono::seconds(5);
  int polls = 0;
  while (clock.Now() < deadline) {
    clock.SleepFor(milliseconds(100));
    ++polls;
  }
  EXPECT_EQ(polls, 50);
}

}  // namespace
}  // namespace hearth
