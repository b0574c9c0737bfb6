#include "rag/convert/text_decoding.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth {
namespace {

TEST(TextDecodingTest, Utf8PassesThroughAndLosesItsBom) {
  DecodedText decoded = DecodeText(
      "\xEF\xBB\xBFGr\xC3\xBC\xC3\x9F"
      "e");
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.text,
            "Gr\xC3\xBC\xC3\x9F"
            "e");
}

TEST(TextDecodingTest, Utf16LittleAndBigEndian) {
  std::string le("\xFF\xFEH\0i\0\x3D\xD8\x00\xDE", 10);  // "Hi😀"
  DecodedText decoded = DecodeText(le);
  EXPECT_EQ(decoded.encoding, "utf-16le");
  EXPECT_EQ(decoded.text, "Hi\xF0\x9F\x98\x80");
  std::string be("\xFE\xFF\0H\0i", 6);
  EXPECT_EQ(DecodeText(be).text, "Hi");
  EXPECT_EQ(DecodeText(be).encoding, "utf-16be");
}

TEST(TextDecodingTest, UnpairedSurrogateBecomesReplacementCharacter) {
  std::string le("\xFF\xFE\x00\xD8x\0", 6);
  EXPECT_EQ(DecodeText(le).text, "\xEF\xBF\xBDx");
}

TEST(TextDecodingTest, InvalidUtf8IsReadAsWindows1252) {
  DecodedText decoded = DecodeText("k\xF6nnen \x80 \x93q\x94");
  EXPECT_EQ(decoded.encoding, "windows-1252");
  EXPECT_EQ(decoded.text, "k\xC3\xB6nnen \xE2\x82\xAC \xE2\x80\x9Cq\xE2\x80\x9D");
}

TEST(TextDecodingTest, NormalizesLineEndsAndDropsNuls) {
  EXPECT_EQ(DecodeText(std::string("a\r\nb\rc\nd\0e", 11)).text, "a\nb\nc\nde");
}

}  // namespace
}  // namespace hearth
