#include "auth/login_limiter.h"

#include <string>

#include "base/fake_clock.h"
#include "gtest/gtest.h"

namespace hearth {
namespace {

using std::chrono::seconds;

LoginLimits Limits() {
  LoginLimits limits;
  limits.failures_per_name = 5;
  limits.failures_per_address = 20;
  limits.window = seconds(300);
  limits.max_tracked = 10000;
  return limits;
}

void FailTimes(LoginLimiter& limiter, int times, std::string_view name, std::string_view address) {
  for (int i = 0; i < times; ++i) limiter.RecordFailure(name, address);
}

TEST(LoginLimiterTest, FiveFailuresLockTheName) {
  FakeClock clock;
  LoginLimiter limiter(Limits(), clock);
  FailTimes(limiter, 4, "alice", "10.0.0.1");
  EXPECT_TRUE(limiter.Check("alice", "10.0.0.1").ok());
  limiter.RecordFailure("alice", "10.0.0.1");
  const Status locked = limiter.Check("alice", "10.0.0.1");
  EXPECT_EQ(locked.code(), StatusCode::kResourceExhausted);
  // The name is locked whatever the address; other names are not.
  EXPECT_EQ(limiter.Check("alice", "192.168.1.9").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(limiter.Check("alice", "").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(limiter.Check("bob", "10.0.0.1").ok());
}

TEST(LoginLimiterTest, MessageSaysHowManySecondsToWait) {
  FakeClock clock;
  LoginLimiter limiter(Limits(), clock);
  FailTimes(limiter, 5, "alice", "10.0.0.1");
  EXPECT_EQ(limiter.Check("alice", "10.0.0.1").message(),
            "too many failed logins; try again in 300 s");
  clock.Advance(std::chrono::milliseconds(100'500));
  // 199.5 s are left: rounded up, never to 0.
  EXPECT_EQ(limiter.Check("alice", "10.0.0.1").message(),
            "too many failed logins; try again in 200 s");
  clock.Advance(std::chrono::milliseconds(199'400));
  EXPECT_EQ(limiter.Check("alice", "10.0.0.1").message(),
            "too many failed logins; try again in 1 s");
}

TEST(LoginLimiterTest, TheWindowSlides) {
  FakeClock clock;
  LoginLimiter limiter(Limits(), clock);
  FailTimes(limiter, 3, "alice", "10.0.0.1");  // at t=0
  clock.Advance(seconds(200));
  FailTimes(limiter, 2, "alice", "10.0.0.1");  // at t=200
  ASSERT_FALSE(limiter.Check("alice", "10.0.0.1").ok());
  clock.Advance(seconds(99));  // t=299: the first three still count
  EXPECT_FALSE(limiter.Check("alice", "10.0.0.1").ok());
  clock.Advance(seconds(1));  // t=300: they left the window; two remain
  EXPECT_TRUE(limiter.Check("alice", "10.0.0.1").ok());
  FailTimes(limiter, 2, "alice", "10.0.0.1");  // four in the window
  EXPECT_TRUE(limiter.Check("alice", "10.0.0.1").ok());
  limiter.RecordFailure("alice", "10.0.0.1");  // five: locked until the t=200 ones leave
  const Status locked = limiter.Check("alice", "10.0.0.1");
  EXPECT_EQ(locked.message(), "too many failed logins; try again in 200 s");
}

TEST(LoginLimiterTest, SuccessClearsTheNameOnly) {
  FakeClock clock;
  LoginLimits limits = Limits();
  limits.failures_per_address = 6;
  LoginLimiter limiter(limits, clock);
  FailTimes(limiter, 4, "alice", "10.0.0.1");
  limiter.RecordSuccess("alice");
  FailTimes(limiter, 4, "alice", "10.0.0.1");
  EXPECT_TRUE(limiter.Check("alice", "10.0.0.2").ok());  // 4 since the success, not 8
  limiter.RecordFailure("alice", "10.0.0.2");
  EXPECT_FALSE(limiter.Check("alice", "10.0.0.2").ok());  // the fifth since the success
  // ...but the address still remembers all eight failures.
  EXPECT_EQ(limiter.Check("carol", "10.0.0.1").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(limiter.Check("carol", "10.0.0.3").ok());
}

TEST(LoginLimiterTest, AnAddressIsLimitedAcrossNames) {
  FakeClock clock;
  LoginLimiter limiter(Limits(), clock);
  for (int i = 0; i < 20; ++i) limiter.RecordFailure("user" + std::to_string(i), "10.0.0.66");
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(limiter.Check("user" + std::to_string(i), "10.0.0.7").ok());
  }
  const Status locked = limiter.Check("someone-new", "10.0.0.66");
  EXPECT_EQ(locked.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(locked.message().find("try again in 300 s"), std::string::npos) << locked;
  clock.Advance(seconds(300));
  EXPECT_TRUE(limiter.Check("someone-new", "10.0.0.66").ok());
}

TEST(LoginLimiterTest, NamesAndAddressesDoNotCollide) {
  FakeClock clock;
  LoginLimiter limiter(Limits(), clock);
  FailTimes(limiter, 5, "10.0.0.1", "");  // a user named like an address
  EXPECT_FALSE(limiter.Check("10.0.0.1", "").ok());
  EXPECT_TRUE(limiter.Check("alice", "10.0.0.1").ok());
}

TEST(LoginLimiterTest, MemoryIsBoundedByForgettingTheOldest) {
  FakeClock clock;
  LoginLimits limits = Limits();
  limits.max_tracked = 10;
  LoginLimiter limiter(limits, clock);
  FailTimes(limiter, 5, "victim", "");  // one key, the oldest
  ASSERT_FALSE(limiter.Check("victim", "").ok());
  for (int i = 0; i < 9; ++i) limiter.RecordFailure("filler" + std::to_string(i), "");
  EXPECT_FALSE(limiter.Check("victim", "").ok()) << "ten keys fit";
  limiter.RecordFailure("filler9", "");
  EXPECT_TRUE(limiter.Check("victim", "").ok()) << "the eleventh key evicts the oldest";
  // Recently failed keys are kept: touch filler0, then add one more key.
  FailTimes(limiter, 4, "filler0", "");
  limiter.RecordFailure("filler10", "");
  EXPECT_FALSE(limiter.Check("filler0", "").ok());
}

}  // namespace
}  // namespace hearth
