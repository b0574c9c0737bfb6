#include "cli/store_verbs.h"

#include <gtest/gtest.h>

namespace hearth::cli {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(StoreVerbsTest, HumanBytesUsesDecimalUnitsLikeOllama) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(999), "999 B");
  EXPECT_EQ(HumanBytes(1'000), "1.0 KB");
  EXPECT_EQ(HumanBytes(1'185'376), "1.2 MB");
  EXPECT_EQ(HumanBytes(807'694'464), "807 MB");
  EXPECT_EQ(HumanBytes(4'661'224'676), "4.7 GB");
  EXPECT_EQ(HumanBytes(12'000'000'000'000), "12 TB");
}

TEST(StoreVerbsTest, HumanAgeReadsLikeOllamaList) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(HumanAge(now, now), "Less than a second ago");
  EXPECT_EQ(HumanAge(now - seconds(1), now), "1 second ago");
  EXPECT_EQ(HumanAge(now - seconds(45), now), "45 seconds ago");
  EXPECT_EQ(HumanAge(now - seconds(90), now), "About a minute ago");
  EXPECT_EQ(HumanAge(now - minutes(2), now), "2 minutes ago");
  EXPECT_EQ(HumanAge(now - minutes(61), now), "About an hour ago");
  EXPECT_EQ(HumanAge(now - hours(5), now), "5 hours ago");
  EXPECT_EQ(HumanAge(now - days(3), now), "3 days ago");
  EXPECT_EQ(HumanAge(now - days(21), now), "3 weeks ago");
  EXPECT_EQ(HumanAge(now - days(120), now), "4 months ago");
  EXPECT_EQ(HumanAge(now - days(800), now), "2 years ago");
  EXPECT_EQ(HumanAge(now + hours(1), now), "In the future");
}

}  // namespace
}  // namespace hearth::cli
