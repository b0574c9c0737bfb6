#include "rag/document_converter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rag/convert/converter_command.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

DocumentConverterOptions TestOptions() {
  DocumentConverterOptions options;
  options.converter_path = HEARTH_CONVERT_BIN;
  options.cpu_seconds = 20;
  options.wall_timeout = std::chrono::seconds(30);
  options.limits.ocr = false;
  return options;
}

class DocumentConverterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hearth-converter-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path WriteFile(const std::string& name, const std::string& contents) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  fs::path dir_;
};

std::string AllText(const StructuredDocument& document) {
  std::string text;
  for (const DocumentBlock& block : document.blocks) text += block.text + "\n";
  return text;
}

TEST_F(DocumentConverterTest, ConvertsATextFileThroughTheChild) {
  fs::path file = WriteFile("notes.md", "# Notes\r\n\r\nFirst paragraph.\r\n");
  auto document = ConvertFile(file, "notes.md", TestOptions());
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->format, "markdown");
  EXPECT_EQ(document->title, "Notes");
  ASSERT_EQ(document->blocks.size(), 2u);
  EXPECT_EQ(document->blocks[1].text, "First paragraph.");
}

TEST_F(DocumentConverterTest, MissingConverterOrFileIsNotFound) {
  fs::path file = WriteFile("a.txt", "text");
  DocumentConverterOptions options = TestOptions();
  options.converter_path = dir_ / "no-such-converter";
  auto missing_converter = ConvertFile(file, "a.txt", options);
  EXPECT_EQ(missing_converter.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing_converter.status().message().find("hearth-convert"), std::string::npos);
  auto missing_file = ConvertFile(dir_ / "absent.txt", "absent.txt", TestOptions());
  EXPECT_EQ(missing_file.status().code(), StatusCode::kNotFound);
}

TEST_F(DocumentConverterTest, BinaryGarbageIsAnUnsupportedFormat) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  auto document = ConvertFile(WriteFile("blob.txt", garbage), "blob.txt", TestOptions());
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(document.status().message().find("unsupported format"), std::string::npos) << document.status();
  EXPECT_NE(document.status().message().find("blob.txt"), std::string::npos);
}

TEST_F(DocumentConverterTest, DamagedPdfIsNotAPdf) {
  auto document = ConvertFile(WriteFile("x.pdf", "%PDF-1.4\ngarbage\n"), "x.pdf", TestOptions());
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(document.status().message().find("not a PDF"), std::string::npos) << document.status();
}

TEST_F(DocumentConverterTest, OversizedOutputIsCut) {
  DocumentConverterOptions options = TestOptions();
  options.max_output_bytes = 100;
  auto document = ConvertFile(WriteFile("big.txt", std::string(10000, 'a')), "big.txt", options);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(document.status().message().find("output"), std::string::npos) << document.status();
}

TEST_F(DocumentConverterTest, ConverterOutputLimitIsReported) {
  DocumentConverterOptions options = TestOptions();
  options.limits.max_output_bytes = 100;
  auto document = ConvertFile(WriteFile("big.txt", std::string(10000, 'a')), "big.txt", options);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(document.status().message().find("output limit"), std::string::npos) << document.status();
}

// OCR of a scanned page at a high resolution burns CPU for seconds.
TEST_F(DocumentConverterTest, CpuLimitIsReported) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(scan, "corpus/pdf/scanned/unstructured__loremipsum-flat.pdf");
  DocumentConverterOptions options = TestOptions();
  options.cpu_seconds = 1;
  options.limits.ocr = true;
  options.limits.ocr_dpi = 600;
  auto document = ConvertFile(scan, "scan.pdf", options);
  if (document.ok()) GTEST_SKIP() << "OCR finished within 1 s of CPU; cannot exercise the limit";
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted) << document.status();
  EXPECT_NE(document.status().message().find("more than 1 s of CPU"), std::string::npos) << document.status();
}

TEST_F(DocumentConverterTest, WallTimeoutIsDeadlineExceeded) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(scan, "corpus/pdf/scanned/unstructured__loremipsum-flat.pdf");
  DocumentConverterOptions options = TestOptions();
  options.wall_timeout = std::chrono::milliseconds(200);
  options.limits.ocr = true;
  options.limits.ocr_dpi = 600;
  auto document = ConvertFile(scan, "scan.pdf", options);
  if (document.ok()) GTEST_SKIP() << "OCR finished within 200 ms; cannot exercise the timeout";
  EXPECT_EQ(document.status().code(), StatusCode::kDeadlineExceeded) << document.status();
}

TEST_F(DocumentConverterTest, MemoryLimitIsReported) {
  if (!kConverterLimitsAddressSpace) {
    GTEST_SKIP() << "a sanitizer build does not limit the converter's address space "
                    "(rag/convert/converter_command.h)";
  }
  // 600 MB of text needs well over 512 MiB of address space to read.
  fs::path file = dir_ / "huge.txt";
  fs::resize_file(WriteFile("huge.txt", "x"), 600ull << 20);
  DocumentConverterOptions options = TestOptions();
  options.memory_bytes = 512ull << 20;
  auto document = ConvertFile(file, "huge.txt", options);
  EXPECT_EQ(document.status().code(), StatusCode::kResourceExhausted) << document.status();
  EXPECT_NE(document.status().message().find("memory"), std::string::npos) << document.status();
}

std::vector<fs::path> PdfsIn(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(DocumentConverterCorpusTest, NormalPdfsHaveTextOnTheirPages) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(dir, "corpus/pdf/normal");
  for (const fs::path& pdf : PdfsIn(dir)) {
    auto document = ConvertFile(pdf, pdf.filename().string(), TestOptions());
    ASSERT_TRUE(document.ok()) << pdf.filename() << ": " << document.status();
    EXPECT_EQ(document->format, "pdf");
    EXPECT_GT(document->page_count, 0) << pdf.filename();
    EXPECT_FALSE(AllText(*document).empty()) << pdf.filename();
    for (const DocumentBlock& block : document->blocks) {
      EXPECT_GE(block.page, 1) << pdf.filename();
      EXPECT_LE(block.page, document->page_count) << pdf.filename();
    }
  }
}

TEST(DocumentConverterCorpusTest, HostilePdfsConvertOrFailClearly) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(dir, "corpus/pdf/hostile");
  DocumentConverterOptions options = TestOptions();
  options.cpu_seconds = 10;
  int converted = 0;
  int refused = 0;
  for (const fs::path& pdf : PdfsIn(dir)) {
    auto document = ConvertFile(pdf, pdf.filename().string(), options);
    if (document.ok()) {
      ++converted;
      // A fuzzed file without a "%PDF-" header is read as whatever its
      // content is (text, usually), without pages.
      bool paged = document->format == "pdf";
      for (const DocumentBlock& block : document->blocks) {
        EXPECT_TRUE(paged ? block.page >= 1 && block.page <= document->page_count : block.page == 0)
            << pdf.filename() << " as " << document->format;
      }
      continue;
    }
    ++refused;
    StatusCode code = document.status().code();
    EXPECT_TRUE(code == StatusCode::kInvalidArgument || code == StatusCode::kPermissionDenied ||
                code == StatusCode::kResourceExhausted || code == StatusCode::kDeadlineExceeded)
        << pdf.filename() << ": " << document.status();
    EXPECT_NE(document.status().message().find(pdf.filename().string()), std::string::npos);
  }
  EXPECT_GT(converted, 0);
  EXPECT_GT(refused, 0);
  // The parent is still able to convert after all of that.
  auto after = ConvertFile(dir / "opf-pdf__hello_world.pdf", "hello.pdf", options);
  EXPECT_TRUE(after.ok() || after.status().code() == StatusCode::kInvalidArgument) << after.status();
}

TEST(DocumentConverterCorpusTest, PagesPastTheLimitAreSkippedWithAWarning) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(pdf, "corpus/pdf/normal/pdfjs__tracemonkey.pdf");
  DocumentConverterOptions options = TestOptions();
  options.limits.max_pages = 2;
  auto document = ConvertFile(pdf, "tracemonkey.pdf", options);
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_GT(document->page_count, 2);
  ASSERT_FALSE(document->blocks.empty());
  EXPECT_EQ(document->blocks.front().page, 1);
  EXPECT_EQ(document->blocks.back().page, 2);
  ASSERT_EQ(document->warnings.size(), 1u);
  EXPECT_NE(document->warnings[0].find("only the first 2 of"), std::string::npos) << document->warnings[0];
}

TEST(DocumentConverterCorpusTest, PasswordProtectedPdfIsRefused) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(pdf, "corpus/pdf/hostile/opf-office__simple-open-password.pdf");
  auto document = ConvertFile(pdf, "locked.pdf", TestOptions());
  EXPECT_EQ(document.status().code(), StatusCode::kPermissionDenied) << document.status();
  EXPECT_NE(document.status().message().find("password"), std::string::npos);
}

TEST(DocumentConverterCorpusTest, ScannedPdfsAreOcredOrWarned) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(dir, "corpus/pdf/scanned");
  DocumentConverterOptions options = TestOptions();
  options.limits.ocr = true;
  options.limits.ocr_dpi = 100;
  options.limits.max_pages = 2;
  for (const fs::path& pdf : PdfsIn(dir)) {
    auto document = ConvertFile(pdf, pdf.filename().string(), options);
    ASSERT_TRUE(document.ok()) << pdf.filename() << ": " << document.status();
    bool warned = false;
    for (const std::string& warning : document->warnings) {
      warned = warned || warning.find("OCR is unavailable") != std::string::npos;
    }
    if (!warned) {
      EXPECT_FALSE(document->ocr_pages.empty()) << pdf.filename();
      EXPECT_FALSE(AllText(*document).empty()) << pdf.filename();
    }
  }
}

}  // namespace
}  // namespace hearth
