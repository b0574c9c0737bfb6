#include "rag/convert/text_converters.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rag/convert/convert_dispatch.h"
#include "rag/convert/document_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

std::string Kinds(const StructuredDocument& document) {
  std::string kinds;
  for (const DocumentBlock& block : document.blocks) {
    if (!kinds.empty()) kinds += ",";
    kinds += BlockKindName(block.kind);
    if (block.kind == BlockKind::kHeading) kinds += std::to_string(block.level);
  }
  return kinds;
}

TEST(PlainTextConverterTest, SplitsParagraphsAtBlankLines) {
  auto document = ConvertPlainText("one\nstill one\n\n  \n\ntwo\n", ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ(document->blocks.size(), 2u);
  EXPECT_EQ(document->blocks[0].text, "one\nstill one");
  EXPECT_EQ(document->blocks[1].text, "two");
  EXPECT_EQ(document->format, "text");
}

TEST(PlainTextConverterTest, EnforcesOutputLimits) {
  ConvertLimits limits;
  limits.max_output_bytes = 10;
  auto document = ConvertPlainText("a paragraph longer than ten bytes", limits);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  limits = ConvertLimits{};
  limits.max_blocks = 2;
  EXPECT_EQ(ConvertPlainText("a\n\nb\n\nc", limits).status().code(), StatusCode::kResourceExhausted);
}

TEST(MarkdownConverterTest, HeadingsCodeTablesParagraphs) {
  std::string text =
      "Title\n=====\n\nIntro text\nmore.\n\n## Part *two* ##\n\n```cpp\nint x;\n\nint y;\n```\n\n"
      "| a | b |\n|---|:-:|\n| 1 | 2 |\n\nSub\n---\n---\n~~~~\nnot closed by ```\n";
  auto document = ConvertMarkdown(text, ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(Kinds(*document), "heading1,paragraph,heading2,code,table,heading2,code");
  EXPECT_EQ(document->title, "Title");
  EXPECT_EQ(document->blocks[2].text, "Part *two*");
  EXPECT_EQ(document->blocks[3].text, "int x;\n\nint y;");
  EXPECT_EQ(document->blocks[4].text, "a | b\n1 | 2");
  EXPECT_EQ(document->blocks[6].text, "not closed by ```");
}

TEST(MarkdownConverterTest, HashWithoutSpaceIsNotAHeading) {
  auto document = ConvertMarkdown("#hashtag\n####### seven", ConvertLimits{});
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(Kinds(*document), "paragraph");
}

TEST(DelimitedTextConverterTest, LabelsCellsWithTheirHeader) {
  std::string csv = "Name,City,Note\nAda,London,\"said \"\"hi\"\",\nthen left\"\nBob,,x\n\n";
  auto document = ConvertDelimitedText(csv, ',', ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].kind, BlockKind::kTable);
  EXPECT_EQ(document->blocks[0].text,
            "Name: Ada | City: London | Note: said \"hi\",\nthen left\nName: Bob | Note: x");
}

TEST(DelimitedTextConverterTest, GroupsRowsAndTruncatesAtTheCellLimit) {
  std::string csv = "n\n";
  for (int i = 0; i < 3 * kRowsPerTableBlock; ++i) csv += std::to_string(i) + "\n";
  auto document = ConvertDelimitedText(csv, ',', ConvertLimits{});
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document->blocks.size(), 3u);
  ConvertLimits limits;
  limits.max_cells = 11;
  document = ConvertDelimitedText(csv, ',', limits);
  ASSERT_TRUE(document.ok());
  ASSERT_EQ(document->warnings.size(), 1u);
  EXPECT_NE(document->warnings[0].find("truncated"), std::string::npos);
  EXPECT_EQ(document->blocks[0].text.substr(0, 4), "n: 0");
}

TEST(DelimitedTextConverterTest, GuessesSemicolons) {
  EXPECT_EQ(GuessCsvDelimiter("\"a;b\",c\n"), ',');
  EXPECT_EQ(GuessCsvDelimiter("a;b;c,d\n"), ';');
}

TEST(JsonConverterTest, FlattensPaths) {
  auto document = ConvertJson(R"({"a": {"b": [1, "x\"y\u00e9"], "c": null}, "d": true})", ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  ASSERT_EQ(document->blocks.size(), 1u);
  EXPECT_EQ(document->blocks[0].text, "a.b[0]: 1\na.b[1]: x\"y\xC3\xA9\na.c: null\nd: true");
}

TEST(JsonConverterTest, RejectsBrokenAndTooDeepJson) {
  auto broken = ConvertJson(R"({"a": [1, 2)", ConvertLimits{});
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(broken.status().message().find("not valid JSON"), std::string::npos);
  EXPECT_EQ(ConvertJson("[1] 2", ConvertLimits{}).status().code(), StatusCode::kInvalidArgument);
  std::string deep(100000, '[');
  EXPECT_EQ(ConvertJson(deep, ConvertLimits{}).status().code(), StatusCode::kResourceExhausted);
}

// Regression (found by tests/fuzz/text_converter_fuzz.cc, fuzz_json_document):
// any run of the characters of numbers and true/false/null passed as a
// value ("[.]", "nul", "1-2"), raw control characters and unknown escapes
// were accepted, and "\r" or "\u0000" put a CR or a NUL into the text.
TEST(JsonConverterTest, RefusesWhatIsNotJson) {
  for (std::string_view text : {"[.]", "[nul]", "[1-2]", "[-]", "[1.]", "[1e]", "[01]", "[tru]",
                                "[\"a\tb\"]", "[\"\\x\"]", "{\"k\": .5}"}) {
    auto document = ConvertJson(text, ConvertLimits{});
    EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument) << text;
  }
  auto numbers = ConvertJson("[-0, 1.5e+3, 2E-2, 10, true, null]", ConvertLimits{});
  ASSERT_TRUE(numbers.ok()) << numbers.status();
  EXPECT_EQ(numbers->blocks[0].text,
            "[0]: -0\n[1]: 1.5e+3\n[2]: 2E-2\n[3]: 10\n[4]: true\n[5]: null");
}

TEST(JsonConverterTest, LeadingByteOrderMarkIsIgnored) {
  auto document = ConvertJson("\xEF\xBB\xBF{\"a\": 2}", ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->blocks[0].text, "a: 2");
}

TEST(JsonConverterTest, TextHasNoCarriageReturnOrNul) {
  auto document = ConvertJson(R"({"a": "x\r\ny\u0000z\u000d"})", ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  const std::string& text = document->blocks[0].text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_EQ(text.find('\0'), std::string::npos) << text;
  EXPECT_TRUE(text.starts_with("a: x\n\nyz")) << text;
}

// Regression (found by tests/fuzz/office_part_fuzz.cc, fuzz_epub): libxml2's
// HTML recovery passed a stray 0xFF byte of a damaged EPUB chapter on into a
// block; every converter's text goes through DocumentBuilder, which now
// keeps StructuredDocument's promise of clean UTF-8 text.
TEST(DocumentBuilderTest, BlockTextIsCleanUtf8) {
  const ConvertLimits limits;  // the builder keeps a reference
  DocumentBuilder builder("html", limits);
  ASSERT_TRUE(builder.AddParagraph(std::string("a\xff" "b\r\nc\rd\0e", 10)).ok());
  ASSERT_TRUE(builder.AddParagraph("\xC3\xA9t\xC3\xA9").ok());  // valid: unchanged
  StructuredDocument document = std::move(builder).Finish();
  ASSERT_EQ(document.blocks.size(), 2u);
  EXPECT_EQ(document.blocks[0].text, "a\xEF\xBF\xBD" "b\nc\nde");
  EXPECT_EQ(document.blocks[1].text, "\xC3\xA9t\xC3\xA9");
}

TEST(CodeConverterTest, NamesTheLanguageAndKeepsCodeVerbatim) {
  std::string source;
  for (int i = 0; i < kCodeBlockLines + 5; ++i) source += "  x = " + std::to_string(i) + "\n";
  source += "\ndef f():\n    return 1\n";
  auto document = ConvertCode(source, "tools/run.py", ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(Kinds(*document), "heading1,code,code");
  EXPECT_EQ(document->blocks[0].text, "run.py (python)");
  EXPECT_EQ(document->blocks[1].text.substr(0, 8), "  x = 0\n");
  EXPECT_EQ(document->blocks[2].text, "def f():\n    return 1");
}

// Regression (found by tests/fuzz/convert_dispatch_fuzz.cc): the heading
// repeated the file name's bytes, so a name that was not UTF-8 (Latin-1 from
// an old client) made a block that was not UTF-8 either.
TEST(CodeConverterTest, HeadingIsUtf8WhateverTheNameBytes) {
  auto document = ConvertCode("print(1)\n", "caf\xe9\r.py", ConvertLimits{});
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->blocks[0].text, "caf\u00e9\n.py (python)");
  EXPECT_EQ(document->blocks[1].text, "print(1)");
}

TEST(ConvertDocumentTest, BinaryIsUnsupported) {
  std::string binary(256, '\0');
  auto document = ConvertDocument(binary, "blob.txt", ConvertLimits{});
  EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(document.status().message().find("unsupported format"), std::string::npos);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Every text file in the corpus converts to the expected format, with text
// that is UTF-8 (the wire check) and non-empty unless the file is blank.
TEST(ConvertDocumentTest, CorpusTextFormats) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(formats, "corpus/formats");
  int converted = 0;
  for (std::string folder : {"txt", "md", "csv"}) {
    for (const auto& entry : std::filesystem::directory_iterator(formats / folder)) {
      std::string bytes = ReadFile(entry.path());
      std::string name = entry.path().filename().string();
      auto document = ConvertDocument(bytes, name, ConvertLimits{});
      ASSERT_TRUE(document.ok()) << name << ": " << document.status();
      bool blank = name.find("empty") != std::string::npos || name.find("whitespace") != std::string::npos;
      EXPECT_EQ(document->blocks.empty(), blank) << name;
      for (const DocumentBlock& block : document->blocks) EXPECT_FALSE(block.text.empty()) << name;
      ++converted;
    }
  }
  EXPECT_GE(converted, 15);
}

TEST(ConvertDocumentTest, CorpusSpecifics) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(formats, "corpus/formats");
  auto latin1 = ConvertDocument(ReadFile(formats / "md/unst__umlauts-non-utf8.md"), "u.md", ConvertLimits{});
  ASSERT_TRUE(latin1.ok());
  ASSERT_FALSE(latin1->blocks.empty());
  EXPECT_EQ(latin1->blocks[0].kind, BlockKind::kHeading);
  EXPECT_EQ(latin1->blocks[0].text, "k\xC3\xB6nnen");

  auto utf16 =
      ConvertDocument(ReadFile(formats / "txt/unst__fake-text-utf-16.txt"), "u.txt", ConvertLimits{});
  ASSERT_TRUE(utf16.ok());
  ASSERT_FALSE(utf16->blocks.empty());
  EXPECT_EQ(utf16->blocks[0].text.substr(0, 14), "This is a test");

  auto semicolons = ConvertDocument(ReadFile(formats / "csv/pandoc__01.csv"), "01.csv", ConvertLimits{});
  ASSERT_TRUE(semicolons.ok());
  ASSERT_FALSE(semicolons->blocks.empty());
  EXPECT_EQ(semicolons->blocks[0].text.substr(0, 15), "Column1: Data1 ");

  auto tsv =
      ConvertDocument(ReadFile(formats / "csv/unst__stanley-cups-with-emoji.tsv"), "s.tsv", ConvertLimits{});
  ASSERT_TRUE(tsv.ok());
  EXPECT_EQ(tsv->format, "tsv");

  auto code = ConvertDocument(ReadFile(formats / "md/unst__codeblock.md"), "c.md", ConvertLimits{});
  ASSERT_TRUE(code.ok());
  ASSERT_GE(code->blocks.size(), 2u);
  EXPECT_EQ(code->blocks[1].kind, BlockKind::kCode);
  EXPECT_EQ(code->blocks[1].text.substr(0, 15), "<!DOCTYPE html>");
}

}  // namespace
}  // namespace hearth
