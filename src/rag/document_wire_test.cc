#include "rag/document_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth {
namespace {

StructuredDocument SampleDocument() {
  StructuredDocument document;
  document.format = "pdf";
  document.title = "Grüße";
  document.page_count = 3;
  document.blocks = {{BlockKind::kHeading, 2, 1, "Intro"},
                     {BlockKind::kParagraph, 0, 1, "Body text\nline two"},
                     {BlockKind::kTable, 0, 2, "a | b"},
                     {BlockKind::kCode, 0, 3, "int x;"}};
  document.ocr_pages = {3};
  document.warnings = {"page 3 was OCRed"};
  return document;
}

void ExpectSame(const StructuredDocument& a, const StructuredDocument& b) {
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.page_count, b.page_count);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].kind, b.blocks[i].kind);
    EXPECT_EQ(a.blocks[i].level, b.blocks[i].level);
    EXPECT_EQ(a.blocks[i].page, b.blocks[i].page);
    EXPECT_EQ(a.blocks[i].text, b.blocks[i].text);
  }
  EXPECT_EQ(a.ocr_pages, b.ocr_pages);
  EXPECT_EQ(a.warnings, b.warnings);
}

TEST(DocumentWireTest, RoundTripsEveryField) {
  StructuredDocument document = SampleDocument();
  auto decoded = Decode(Encode(document), DecodeLimits{});
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSame(document, *decoded);
}

TEST(DocumentWireTest, RoundTripsAnEmptyDocument) {
  auto decoded = Decode(Encode(StructuredDocument{}), DecodeLimits{});
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->blocks.empty());
  EXPECT_EQ(decoded->format, "");
}

TEST(DocumentWireTest, RejectsEveryTruncation) {
  std::string bytes = Encode(SampleDocument());
  for (size_t size = 0; size < bytes.size(); ++size) {
    auto decoded = Decode(std::string_view(bytes).substr(0, size), DecodeLimits{});
    ASSERT_FALSE(decoded.ok()) << "accepted a prefix of " << size << " bytes";
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << decoded.status();
  }
}

TEST(DocumentWireTest, RejectsTrailingBytes) {
  auto decoded = Decode(Encode(SampleDocument()) + "x", DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("after its trailer"), std::string::npos);
}

TEST(DocumentWireTest, RejectsWrongMagic) {
  std::string bytes = Encode(SampleDocument());
  bytes[3] = '2';
  auto decoded = Decode(bytes, DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("magic"), std::string::npos);
}

TEST(DocumentWireTest, RejectsUnknownKindAndBadLevel) {
  StructuredDocument document;
  document.blocks = {{BlockKind::kHeading, 1, 0, "x"}};
  std::string bytes = Encode(document);
  // magic(4) + format(4) + title(4) + page_count(4) + count(4) = kind at 20.
  std::string bad_kind = bytes;
  bad_kind[20] = 9;
  EXPECT_EQ(Decode(bad_kind, DecodeLimits{}).status().code(), StatusCode::kInvalidArgument);
  std::string bad_level = bytes;
  bad_level[21] = 0;  // a heading of level 0
  EXPECT_EQ(Decode(bad_level, DecodeLimits{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(DocumentWireTest, RejectsInvalidUtf8) {
  StructuredDocument document;
  document.title = "\xff\xfe";
  auto decoded = Decode(Encode(document), DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("not UTF-8"), std::string::npos);
}

TEST(DocumentWireTest, EnforcesLimits) {
  StructuredDocument document = SampleDocument();
  std::string bytes = Encode(document);
  DecodeLimits small_total;
  small_total.max_total_bytes = 10;
  EXPECT_EQ(Decode(bytes, small_total).status().code(), StatusCode::kResourceExhausted);
  DecodeLimits few_blocks;
  few_blocks.max_blocks = 3;
  EXPECT_EQ(Decode(bytes, few_blocks).status().code(), StatusCode::kResourceExhausted);
  DecodeLimits short_strings;
  short_strings.max_string_bytes = 5;
  EXPECT_EQ(Decode(bytes, short_strings).status().code(), StatusCode::kResourceExhausted);
}

TEST(DocumentWireTest, HugeCountsInTinyInputFailWithoutAllocating) {
  std::string bytes = "HDW1";
  bytes.append(12, '\0');               // format, title, page_count
  bytes.append("\x80\x84\x1e\x00", 4);  // 2,000,000 blocks
  auto decoded = Decode(bytes, DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
