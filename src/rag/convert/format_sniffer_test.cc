#include "rag/convert/format_sniffer.h"

#include <gtest/gtest.h>

#include <string>

namespace hearth {
namespace {

TEST(FormatSnifferTest, ContentDecidesBinaryFormats) {
  EXPECT_EQ(SniffFormat("%PDF-1.7\n...", "notes.txt"), SniffedFormat::kPdf);
  EXPECT_EQ(SniffFormat(std::string(500, ' ') + "%PDF-1.4", "x"), SniffedFormat::kPdf);
  EXPECT_EQ(SniffFormat(std::string(2000, ' ') + "%PDF-1.4", "x.md"), SniffedFormat::kMarkdown);
  EXPECT_EQ(SniffFormat("PK\x03\x04rest", "report.txt"), SniffedFormat::kZip);
  EXPECT_EQ(SniffFormat("\n  <!DOCTYPE HTML><html>", "page.txt"), SniffedFormat::kHtml);
  EXPECT_EQ(SniffFormat("<html><body>", "x"), SniffedFormat::kHtml);
  EXPECT_EQ(SniffFormat("<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>", "x"),
            SniffedFormat::kHtml);
  EXPECT_EQ(SniffFormat("<?xml version='1.0'?><note/>", "x.txt"), SniffedFormat::kText);
}

TEST(FormatSnifferTest, BinaryGarbageIsUnsupported) {
  static constexpr char kPng[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
  const std::string png(kPng, sizeof(kPng) - 1);  // the NULs are bytes of the header
  EXPECT_EQ(SniffFormat(png, "picture.md"), SniffedFormat::kUnsupported);
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0\x01\0\0\0",
      24);
  EXPECT_EQ(SniffFormat(elf, "program.txt"), SniffedFormat::kUnsupported);
}

TEST(FormatSnifferTest, ExtensionChoosesAmongTextFormats) {
  EXPECT_EQ(SniffFormat("# Title", "README.md"), SniffedFormat::kMarkdown);
  EXPECT_EQ(SniffFormat("# Title", "notes.MARKDOWN"), SniffedFormat::kMarkdown);
  EXPECT_EQ(SniffFormat("a,b", "data.csv"), SniffedFormat::kCsv);
  EXPECT_EQ(SniffFormat("a\tb", "data.tsv"), SniffedFormat::kTsv);
  EXPECT_EQ(SniffFormat("{}", "data.json"), SniffedFormat::kJson);
  EXPECT_EQ(SniffFormat("int main() {}", "src/main.cc"), SniffedFormat::kCode);
  EXPECT_EQ(SniffFormat("hello", "notes"), SniffedFormat::kText);
  EXPECT_EQ(SniffFormat("hello", "notes.txt"), SniffedFormat::kText);
  EXPECT_EQ(SniffFormat(std::string("\xFF\xFEh\0i\0", 6), "u16.txt"), SniffedFormat::kText);
}

TEST(FormatSnifferTest, LanguageAndExtension) {
  EXPECT_EQ(CodeLanguageForName("a/b/tool.PY"), "python");
  EXPECT_EQ(CodeLanguageForName("x.rs"), "rust");
  EXPECT_EQ(CodeLanguageForName("x.txt"), "");
  EXPECT_EQ(LowerExtension(".bashrc"), "");
  EXPECT_EQ(LowerExtension("dir.d/file"), "");
}

}  // namespace
}  // namespace hearth
