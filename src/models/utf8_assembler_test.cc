#include "models/utf8_assembler.h"

#include <string>

#include "base/utf8.h"
#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(Utf8AssemblerTest, PassesAsciiThrough) {
  Utf8Assembler assembler;
  EXPECT_EQ(assembler.Append("Once upon"), "Once upon");
  EXPECT_EQ(assembler.held_bytes(), 0u);
  EXPECT_EQ(assembler.Flush(), "");
}

TEST(Utf8AssemblerTest, HoldsBackACharacterSplitAcrossTokens) {
  Utf8Assembler assembler;
  // "😀" is F0 9F 98 80, delivered one byte per token.
  EXPECT_EQ(assembler.Append("a\xF0"), "a");
  EXPECT_EQ(assembler.Append("\x9F"), "");
  EXPECT_EQ(assembler.Append("\x98"), "");
  EXPECT_EQ(assembler.held_bytes(), 3u);
  EXPECT_EQ(assembler.Append("\x80!"), "\xF0\x9F\x98\x80!");
  EXPECT_EQ(assembler.held_bytes(), 0u);
}

TEST(Utf8AssemblerTest, ReplacesBytesThatCanNeverBeText) {
  Utf8Assembler assembler;
  const std::string out = assembler.Append("x\x80y\xC0\xAFz");
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_EQ(out, "x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBDz");
}

TEST(Utf8AssemblerTest, ACharacterCutShortIsReplaced) {
  Utf8Assembler assembler;
  EXPECT_EQ(assembler.Append("\xE2\x82"), "");
  // The next token starts a new character: the cut one is replaced.
  const std::string out = assembler.Append("A");
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_EQ(out.back(), 'A');
}

TEST(Utf8AssemblerTest, FlushReplacesAnUnfinishedCharacter) {
  Utf8Assembler assembler;
  EXPECT_EQ(assembler.Append("\xC3"), "");
  EXPECT_EQ(assembler.Flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(assembler.held_bytes(), 0u);
  EXPECT_EQ(assembler.Flush(), "");
}

}  // namespace
}  // namespace hearth
