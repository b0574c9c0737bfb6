#include "rag/text_splitter.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hearth::internal {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Texts(std::string_view text, const std::vector<TextRange>& ranges) {
  std::vector<std::string> out;
  for (const TextRange range : ranges) {
    out.emplace_back(text.substr(range.begin, range.end - range.begin));
  }
  return out;
}

TEST(TextSplitterTest, ParagraphsEndAtBlankLines) {
  const std::string text = "one\nstill one\n\n  \ntwo\n \nthree  ";
  EXPECT_THAT(Texts(text, SplitParagraphs(text, {0, text.size()})),
              ElementsAre("one\nstill one", "two", "three"));
}

TEST(TextSplitterTest, SentencesEndAtPunctuationFollowedBySpace) {
  const std::string text = "Dr. Smith met J. Doe, e.g. at 3.14 pm. Really?! \"Yes.\" (Fine.) Done";
  EXPECT_THAT(Texts(text, SplitSentences(text, {0, text.size()})),
              ElementsAre("Dr. Smith met J. Doe, e.g. at 3.14 pm.", "Really?!", "\"Yes.\"",
                          "(Fine.)", "Done"));
}

TEST(TextSplitterTest, CjkSentencesEndWithoutSpaces) {
  const std::string text =
      "\xE4\xBB\x8A\xE6\x97\xA5\xE3\x80\x82\xE6\x98\x8E\xE6\x97\xA5\xEF\xBC\x81\xE5\xA5\xBD";
  EXPECT_THAT(Texts(text, SplitSentences(text, {0, text.size()})),
              ElementsAre("\xE4\xBB\x8A\xE6\x97\xA5\xE3\x80\x82",
                          "\xE6\x98\x8E\xE6\x97\xA5\xEF\xBC\x81", "\xE5\xA5\xBD"));
}

// Regression (found by tests/fuzz/text_splitter_fuzz.cc): a range that ended
// inside a CJK terminator gave a piece ending past the range.
TEST(TextSplitterTest, SentencesStayInsideTheRange) {
  const std::string text = "ab \xE3\x80\x82 cd";
  const TextRange range{0, 5};  // "ab " and two of the three bytes of 。
  const std::vector<TextRange> pieces = SplitSentences(text, range);
  ASSERT_FALSE(pieces.empty());
  for (const TextRange piece : pieces) EXPECT_LE(piece.end, range.end);
}

TEST(TextSplitterTest, LinesKeepIndentationAndSkipBlanks) {
  const std::string text = "def f():\n    return 1  \n\n\nx = f()";
  EXPECT_THAT(Texts(text, SplitLines(text, {0, text.size()})),
              ElementsAre("def f():", "    return 1", "x = f()"));
}

TEST(TextSplitterTest, WordsAreRunsOfNonSpace) {
  const std::string text = "  alpha\tbeta\n\ngamma ";
  EXPECT_THAT(Texts(text, SplitWords(text, {0, text.size()})),
              ElementsAre("alpha", "beta", "gamma"));
}

TEST(TextSplitterTest, Utf8PiecesNeverSplitACharacter) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "\xE6\x97\xA5";  // 3-byte characters
  const std::vector<TextRange> pieces = SplitUtf8(text, {0, text.size()}, 7);
  ASSERT_EQ(pieces.size(), 5u);
  for (const TextRange piece : pieces) EXPECT_EQ((piece.end - piece.begin) % 3, 0u);
  EXPECT_EQ(pieces.back().end, text.size());
  const std::string ascii = "abcdefghij";
  EXPECT_THAT(Texts(ascii, SplitUtf8(ascii, {2, 10}, 4)), ElementsAre("cdef", "ghij"));
}

}  // namespace
}  // namespace hearth::internal
