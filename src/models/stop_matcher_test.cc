#include "models/stop_matcher.h"

#include <string>

#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(StopMatcherTest, WithoutStopsEverythingPassesAtOnce) {
  StopMatcher matcher({});
  EXPECT_EQ(matcher.Append("hello "), "hello ");
  EXPECT_EQ(matcher.Append("world"), "world");
  EXPECT_FALSE(matcher.stopped());
  EXPECT_EQ(matcher.Flush(), "");
}

TEST(StopMatcherTest, CutsBeforeAStopInsideOnePiece) {
  StopMatcher matcher({"END"});
  EXPECT_EQ(matcher.Append("one two END three"), "one two ");
  EXPECT_TRUE(matcher.stopped());
  EXPECT_EQ(matcher.Append("more"), "");
  EXPECT_EQ(matcher.Flush(), "");
}

TEST(StopMatcherTest, MatchesAStopSplitAcrossPieces) {
  StopMatcher matcher({"</answer>"});
  EXPECT_EQ(matcher.Append("42</a"), "42");
  EXPECT_EQ(matcher.Append("nsw"), "");
  EXPECT_FALSE(matcher.stopped());
  EXPECT_EQ(matcher.Append("er> tail"), "");
  EXPECT_TRUE(matcher.stopped());
}

TEST(StopMatcherTest, ReleasesHeldTextWhenTheStopDoesNotFollow) {
  StopMatcher matcher({"\n\n"});
  EXPECT_EQ(matcher.Append("Hi.\n"), "Hi.");
  EXPECT_EQ(matcher.Append("Bye"), "\nBye");
  EXPECT_FALSE(matcher.stopped());
}

TEST(StopMatcherTest, FlushReturnsAHeldPartialMatch) {
  StopMatcher matcher({"STOP"});
  EXPECT_EQ(matcher.Append("go ST"), "go ");
  EXPECT_EQ(matcher.Flush(), "ST");
  EXPECT_FALSE(matcher.stopped());
}

TEST(StopMatcherTest, TheEarliestOfSeveralStopsWins) {
  StopMatcher matcher({"b", "", "cd"});
  EXPECT_EQ(matcher.Append("a cd b"), "a ");
  EXPECT_TRUE(matcher.stopped());
}

TEST(StopMatcherTest, HoldsTheLongestPossibleStart) {
  StopMatcher matcher({"xxy"});
  EXPECT_EQ(matcher.Append("axx"), "a");
  EXPECT_EQ(matcher.Append("x"), "x");  // "xxx": only "xx" may still start "xxy"
  EXPECT_EQ(matcher.Append("y!"), "");
  EXPECT_TRUE(matcher.stopped());
}

}  // namespace
}  // namespace hearth
