#include "server/concurrency_limiter.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace hearth {
namespace {

Principal User(int64_t id) {
  return {.kind = Principal::Kind::kUser, .user_id = id, .user_name = "user" + std::to_string(id)};
}

Principal Key(int64_t user_id, int64_t key_id) {
  Principal principal = User(user_id);
  principal.kind = Principal::Kind::kApiKey;
  principal.key_id = key_id;
  return principal;
}

TEST(ConcurrencyLimiterTest, AUserAtTheCapIsServedOneMoreIsRefusedUntilOneEnds) {
  ConcurrencyLimiter limiter({.per_user = 2, .per_key = 0});
  std::vector<ConcurrencyLimiter::Slot> held;
  for (int i = 0; i < 2; ++i) {
    StatusOr<ConcurrencyLimiter::Slot> slot = limiter.Acquire(User(7));
    ASSERT_TRUE(slot.ok()) << slot.status();
    held.push_back(std::move(*slot));
  }
  StatusOr<ConcurrencyLimiter::Slot> third = limiter.Acquire(User(7));
  EXPECT_EQ(third.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(third.status().message().find("--max-requests-per-user"), std::string::npos);
  EXPECT_NE(third.status().message().find("user7"), std::string::npos);
  EXPECT_EQ(limiter.InFlightForUser(7), 2) << "a refusal takes nothing";

  EXPECT_TRUE(limiter.Acquire(User(8)).ok()) << "other users are not affected";
  held.pop_back();
  EXPECT_EQ(limiter.InFlightForUser(7), 1);
  EXPECT_TRUE(limiter.Acquire(User(7)).ok());
}

TEST(ConcurrencyLimiterTest, AKeyHasItsOwnCapAndCountsForItsUser) {
  ConcurrencyLimiter limiter({.per_user = 3, .per_key = 1});
  StatusOr<ConcurrencyLimiter::Slot> first = limiter.Acquire(Key(5, 50));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(limiter.InFlightForKey(50), 1);
  EXPECT_EQ(limiter.InFlightForUser(5), 1);
  StatusOr<ConcurrencyLimiter::Slot> again = limiter.Acquire(Key(5, 50));
  EXPECT_EQ(again.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(again.status().message().find("--max-requests-per-key"), std::string::npos);
  EXPECT_EQ(limiter.InFlightForUser(5), 1) << "the refused key request took no user slot";

  // The same user through another key and a session: the user cap (3) rules.
  StatusOr<ConcurrencyLimiter::Slot> other_key = limiter.Acquire(Key(5, 51));
  StatusOr<ConcurrencyLimiter::Slot> session = limiter.Acquire(User(5));
  ASSERT_TRUE(other_key.ok());
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(limiter.Acquire(User(5)).status().code(), StatusCode::kResourceExhausted);
}

TEST(ConcurrencyLimiterTest, ZeroMeansNoCapAndTheLocalOwnerIsNeverCapped) {
  ConcurrencyLimiter uncapped({.per_user = 0, .per_key = 0});
  std::vector<ConcurrencyLimiter::Slot> held;
  for (int i = 0; i < 100; ++i) {
    StatusOr<ConcurrencyLimiter::Slot> slot = uncapped.Acquire(Key(1, 2));
    ASSERT_TRUE(slot.ok());
    held.push_back(std::move(*slot));
  }
  ConcurrencyLimiter capped({.per_user = 1, .per_key = 1});
  Principal owner{.kind = Principal::Kind::kLocalOwner};
  StatusOr<ConcurrencyLimiter::Slot> a = capped.Acquire(owner);
  StatusOr<ConcurrencyLimiter::Slot> b = capped.Acquire(owner);
  EXPECT_TRUE(a.ok());
  EXPECT_TRUE(b.ok());
}

TEST(ConcurrencyLimiterTest, AMovedSlotIsReleasedOnce) {
  ConcurrencyLimiter limiter({.per_user = 1, .per_key = 0});
  StatusOr<ConcurrencyLimiter::Slot> slot = limiter.Acquire(User(3));
  ASSERT_TRUE(slot.ok());
  {
    ConcurrencyLimiter::Slot moved = std::move(*slot);
    ConcurrencyLimiter::Slot assigned;
    assigned = std::move(moved);
    EXPECT_EQ(limiter.InFlightForUser(3), 1);
  }
  EXPECT_EQ(limiter.InFlightForUser(3), 0);
  EXPECT_TRUE(limiter.Acquire(User(3)).ok());
}

TEST(ConcurrencyLimiterTest, LongRequestsOfEveryCallerShareTheirCapQuickOnesDoNot) {
  ConcurrencyLimiter limiter(
      {.per_user = 0, .per_key = 0, .long_requests = 2, .long_requests_source = "the test's 2"});
  const Principal owner{.kind = Principal::Kind::kLocalOwner};
  StatusOr<ConcurrencyLimiter::Slot> first = limiter.Acquire(owner, RouteLane::kLong);
  StatusOr<ConcurrencyLimiter::Slot> second = limiter.Acquire(User(4), RouteLane::kLong);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(limiter.LongRequestsInFlight(), 2);

  StatusOr<ConcurrencyLimiter::Slot> third = limiter.Acquire(Key(5, 50), RouteLane::kLong);
  EXPECT_EQ(third.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(third.status().message().find("the test's 2"), std::string::npos)
      << third.status().message();
  EXPECT_EQ(limiter.InFlightForUser(5), 0) << "a refusal takes nothing";
  EXPECT_EQ(limiter.InFlightForKey(50), 0);
  EXPECT_EQ(limiter.LongRequestsInFlight(), 2);

  EXPECT_TRUE(limiter.Acquire(owner, RouteLane::kQuick).ok()) << "quick requests pass";
  EXPECT_TRUE(limiter.Acquire(User(4), RouteLane::kQuick).ok());

  *first = ConcurrencyLimiter::Slot();  // the first long request ends
  EXPECT_EQ(limiter.LongRequestsInFlight(), 1);
  EXPECT_TRUE(limiter.Acquire(Key(5, 50), RouteLane::kLong).ok());
}

TEST(ConcurrencyLimiterTest, AUserRefusedByTheirOwnCapTakesNoLongSlot) {
  ConcurrencyLimiter limiter({.per_user = 1, .per_key = 0, .long_requests = 5});
  StatusOr<ConcurrencyLimiter::Slot> held = limiter.Acquire(User(9), RouteLane::kLong);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(limiter.Acquire(User(9), RouteLane::kLong).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(limiter.LongRequestsInFlight(), 1);
}

}  // namespace
}  // namespace hearth
