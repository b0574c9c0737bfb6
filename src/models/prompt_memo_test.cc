#include "models/prompt_memo.h"

#include <gtest/gtest.h>

namespace hearth {
namespace {

using Tokens = std::vector<int32_t>;

TEST(PromptMemoTest, AContinuationReusesThePromptAndTheGeneratedTokens) {
  PromptMemo memo(4);
  memo.Remember("User: hi\nAssistant:", true, {1, 10, 11, 12}, {20, 21, 22}, {" He", "llo", "!"});

  // The next turn replays the reply and goes on.
  const std::string next = "User: hi\nAssistant: Hello!\nUser: more\nAssistant:";
  std::optional<PromptMemo::Prefix> prefix = memo.Longest(next, true);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, std::string("User: hi\nAssistant: Hello!").size());
  EXPECT_EQ(prefix->tokens, (Tokens{1, 10, 11, 12, 20, 21, 22}));
}

TEST(PromptMemoTest, APrefixEndsAtTheLastTokenBoundaryBeforeTheTextsDiffer) {
  PromptMemo memo(4);
  memo.Remember("Q:", false, {5, 6}, {7, 8}, {" yes", " sir"});
  // " si" is inside the piece " sir": only the tokens up to " yes" apply.
  std::optional<PromptMemo::Prefix> prefix = memo.Longest("Q: yes si", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, 6u);
  EXPECT_EQ(prefix->tokens, (Tokens{5, 6, 7}));
  // Diverging inside the prompt: the prompt's inner boundaries are unknown.
  EXPECT_FALSE(memo.Longest("Q", false).has_value());
  EXPECT_FALSE(memo.Longest("R: yes", false).has_value());
}

TEST(PromptMemoTest, BosAndNoBosPromptsNeverMix) {
  PromptMemo memo(4);
  memo.Remember("Hello", true, {1, 9}, {}, {});
  EXPECT_FALSE(memo.Longest("Hello there", false).has_value());
  ASSERT_TRUE(memo.Longest("Hello there", true).has_value());
}

TEST(PromptMemoTest, ATokenWithoutTextComesAlongOnlyWithTheTextAfterIt) {
  PromptMemo memo(4);
  // Token 31 is a control token the model emitted; it renders as nothing.
  memo.Remember("A", false, {3}, {30, 31, 32}, {"b", "", "c"});
  std::optional<PromptMemo::Prefix> prefix = memo.Longest("Abcd", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->tokens, (Tokens{3, 30, 31, 32}));
  // The text stops matching where the control token stood: it is left out.
  prefix = memo.Longest("Abx", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, 2u);
  EXPECT_EQ(prefix->tokens, (Tokens{3, 30}));
}

TEST(PromptMemoTest, AReplyWithBytesThatFormNoCharacterMatchesAsItWasStreamed) {
  PromptMemo memo(4);
  // Token 41 is a lone byte that starts a 3-byte character the next token
  // does not continue: the streamed reply shows U+FFFD for it. Token 43
  // starts a character the generation never finished.
  memo.Remember("Q:", false, {5}, {40, 41, 42, 43}, {" a", "\xE2", "b c", "\xC3"});
  const std::string streamed = "Q: a\xEF\xBF\xBD" "b c\xEF\xBF\xBD";
  std::optional<PromptMemo::Prefix> prefix = memo.Longest(streamed + "\nQ: more", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, streamed.size());
  EXPECT_EQ(prefix->tokens, (Tokens{5, 40, 41, 42, 43}));
  // The raw bytes are not the replayed text: only the tokens before them match.
  prefix = memo.Longest("Q: a\xE2" "b c", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->tokens, (Tokens{5, 40}));
}

TEST(PromptMemoTest, TheLongestMatchWinsAndTheOldestEntryGoesFirst) {
  PromptMemo memo(2);
  memo.Remember("one", false, {1}, {2}, {" two"});
  memo.Remember("one two", false, {1, 2}, {3}, {" three"});
  std::optional<PromptMemo::Prefix> prefix = memo.Longest("one two three four", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->tokens, (Tokens{1, 2, 3}));

  memo.Longest("one two", false);  // keeps the second entry recent
  memo.Remember("zzz", false, {9}, {}, {});
  // Capacity 2: "one" (least recently used, the only one with a boundary
  // at 3 bytes) is gone, "one two" is kept.
  EXPECT_FALSE(memo.Longest("one", false).has_value());
  prefix = memo.Longest("one two", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, 7u);
  EXPECT_TRUE(memo.Longest("zzz", false).has_value());
}

TEST(PromptMemoTest, AReplyReplayedWithoutItsLeadingWhitespaceStillMatches) {
  PromptMemo memo(4);
  // Llama 3's template trims the reply it replays; the model began it with
  // a space token.
  memo.Remember("<h>assistant<e>\n\n", false, {1, 2, 3}, {20, 21, 22}, {" The", " answer", "."});
  const std::string next = "<h>assistant<e>\n\nThe answer.<eot><h>user<e>\n\nmore";
  std::optional<PromptMemo::Prefix> prefix = memo.Longest(next, false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, std::string("<h>assistant<e>\n\nThe answer.").size());
  EXPECT_EQ(prefix->tokens, (Tokens{1, 2, 3, 20, 21, 22}));
  // Diverging inside the reply ends at the last boundary before it, counted
  // in the trimmed text's bytes.
  prefix = memo.Longest("<h>assistant<e>\n\nThe answers", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, std::string("<h>assistant<e>\n\nThe answer").size());
  EXPECT_EQ(prefix->tokens, (Tokens{1, 2, 3, 20, 21}));
}

TEST(PromptMemoTest, AWhitespaceOnlyTokenComesAlongOnlyWithTheReplyTextAfterIt) {
  PromptMemo memo(4);
  memo.Remember("Q:", false, {5}, {40, 41, 42}, {" ", "\n", "Yes"});
  std::optional<PromptMemo::Prefix> prefix = memo.Longest("Q:Yes!", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->bytes, 5u);
  EXPECT_EQ(prefix->tokens, (Tokens{5, 40, 41, 42}));
  // Nothing of the reply's text follows: only the prompt is reused.
  prefix = memo.Longest("Q:No", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->tokens, (Tokens{5}));
  // A replay that keeps part of the whitespace matches exactly up to it.
  prefix = memo.Longest("Q: x", false);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->tokens, (Tokens{5, 40}));
}

}  // namespace
}  // namespace hearth
