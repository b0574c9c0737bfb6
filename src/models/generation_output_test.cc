#include "models/generation_output.h"

#include <gtest/gtest.h>

namespace hearth {
namespace {

TEST(GenerationOutputTest, PiecesCountTheTokensTheyCover) {
  GenerationOutput output({});
  auto first = output.AddToken("Hello");
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->text, "Hello");
  EXPECT_EQ(first->token_count, 1);
  EXPECT_FALSE(output.AddToken("\xC3").has_value());  // half of "é"
  auto second = output.AddToken("\xA9!");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->text, "\xC3\xA9!");
  EXPECT_EQ(second->token_count, 2);
  EXPECT_FALSE(output.Finish().has_value());
  EXPECT_EQ(output.text(), "Hello\xC3\xA9!");
}

TEST(GenerationOutputTest, AStopStringAcrossTokensIsNeverStreamed) {
  GenerationOutput output({"User:"});
  EXPECT_EQ(output.AddToken("Sure.")->text, "Sure.");
  auto held = output.AddToken(" Us");  // "Us" may begin "User:"
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->text, " ");
  EXPECT_FALSE(output.AddToken("er: hi").has_value());
  EXPECT_TRUE(output.stopped());
  EXPECT_FALSE(output.AddToken("more").has_value());
  EXPECT_FALSE(output.Finish().has_value());
  EXPECT_EQ(output.text(), "Sure. ");
}

TEST(GenerationOutputTest, FinishReleasesHeldText) {
  GenerationOutput output({"###"});
  EXPECT_EQ(output.AddToken("a #")->text, "a ");
  auto rest = output.Finish();
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->text, "#");
  EXPECT_EQ(output.text(), "a #");
}

}  // namespace
}  // namespace hearth
