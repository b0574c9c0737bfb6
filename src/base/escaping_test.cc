#include "base/escaping.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth {
namespace {

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonEscape("plain"), "plain");
  EXPECT_EQ(JsonEscape("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(JsonEscape("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
  EXPECT_EQ(JsonEscape(std::string("\0\x01\x1f", 3)), "\\u0000\\u0001\\u001f");
  EXPECT_EQ(JsonEscape("/ \x7f"), "/ \x7f");
}

TEST(JsonEscapeTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonEscape("caf\xc3\xa9 \xf0\x9f\x94\xa5"), "caf\xc3\xa9 \xf0\x9f\x94\xa5");
  EXPECT_EQ(JsonEscape("a\xff"
                       "b"),
            "a\\ufffdb");
  EXPECT_EQ(JsonEscape("\xe2\x9c"), "\\ufffd\\ufffd");
}

TEST(EscapeForDisplayTest, MakesOnePrintableLine) {
  EXPECT_EQ(EscapeForDisplay("models/a.gguf"), "models/a.gguf");
  EXPECT_EQ(EscapeForDisplay("a\nb\\c\td"), "a\\nb\\\\c\\td");
  EXPECT_EQ(EscapeForDisplay(std::string("\0\x1b\x7f", 3)), "\\x00\\x1b\\x7f");
  EXPECT_EQ(EscapeForDisplay("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(EscapeForDisplay("\xc2\x9b"
                             "31m"),
            "\\xc2\\x9b31m");  // C1 CSI
  EXPECT_EQ(EscapeForDisplay("\xff"), "\\xff");
}

TEST(QuoteForDisplayTest, QuotesAndTruncatesLongInput) {
  EXPECT_EQ(QuoteForDisplay(std::string("a\0b", 3)), "'a\\x00b'");
  EXPECT_EQ(QuoteForDisplay(std::string(10, 'x'), 4), "'xxxx'... (10 bytes)");
  // Truncation does not split a UTF-8 sequence.
  EXPECT_EQ(QuoteForDisplay("ab\xc3\xa9zz", 3), "'ab'... (6 bytes)");
}

}  // namespace
}  // namespace hearth
