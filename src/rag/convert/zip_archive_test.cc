#include "rag/convert/zip_archive.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <string>
#include <utility>
#include <vector>

#include "rag/convert/zip_test_util.h"

namespace hearth {
namespace {

TEST(ZipArchiveTest, ListsAndReadsEntries) {
  std::string bytes = testing_util::BuildZip({{"a.txt", "alpha"}, {"dir/b.txt", "beta"}});
  StatusOr<std::unique_ptr<ZipArchive>> zip = ZipArchive::Open(bytes, ConvertLimits{});
  ASSERT_TRUE(zip.ok()) << zip.status();
  EXPECT_EQ((*zip)->entry_names(), (std::vector<std::string>{"a.txt", "dir/b.txt"}));
  EXPECT_TRUE((*zip)->Contains("dir/b.txt"));
  EXPECT_FALSE((*zip)->Contains("b.txt"));
  StatusOr<std::string> beta = (*zip)->ReadEntry("dir/b.txt");
  ASSERT_TRUE(beta.ok()) << beta.status();
  EXPECT_EQ(*beta, "beta");
  EXPECT_EQ((*zip)->ReadEntry("missing").status().code(), StatusCode::kNotFound);
}

TEST(ZipArchiveTest, EntryThatInflatesPastTheLimitIsRefused) {
  std::string zeros(8 << 20, '\0');
  std::string bytes = testing_util::BuildZip({{"bomb.bin", zeros}});
  ASSERT_LT(bytes.size(), 100'000u);  // it really is a (small) zip bomb
  ConvertLimits limits;
  limits.max_entry_bytes = 1 << 20;
  StatusOr<std::unique_ptr<ZipArchive>> zip = ZipArchive::Open(bytes, limits);
  ASSERT_TRUE(zip.ok()) << zip.status();
  StatusOr<std::string> read = (*zip)->ReadEntry("bomb.bin");
  EXPECT_EQ(read.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(read.status().message().find("max_entry_bytes"), std::string::npos);
  // It stopped soon after the limit instead of inflating everything.
  EXPECT_LT((*zip)->unpacked_bytes(), (1u << 20) + 128 * 1024);
}

TEST(ZipArchiveTest, TotalInflatedBytesAreLimitedAcrossEntries) {
  std::string chunk(600 * 1024, 'x');
  std::string bytes = testing_util::BuildZip({{"a", chunk}, {"b", chunk}});
  ConvertLimits limits;
  limits.max_entry_bytes = 1 << 20;
  limits.max_unpacked_bytes = 1 << 20;
  StatusOr<std::unique_ptr<ZipArchive>> zip = ZipArchive::Open(bytes, limits);
  ASSERT_TRUE(zip.ok()) << zip.status();
  EXPECT_TRUE((*zip)->ReadEntry("a").ok());
  StatusOr<std::string> second = (*zip)->ReadEntry("b");
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(second.status().message().find("max_unpacked_bytes"), std::string::npos);
}

TEST(ZipArchiveTest, TooManyEntriesAreRefused) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 20; ++i) entries.emplace_back("e" + std::to_string(i), "x");
  ConvertLimits limits;
  limits.max_zip_entries = 10;
  StatusOr<std::unique_ptr<ZipArchive>> zip =
      ZipArchive::Open(testing_util::BuildZip(entries), limits);
  EXPECT_EQ(zip.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(zip.status().message().find("max_zip_entries"), std::string::npos);
}

TEST(ZipArchiveTest, TruncatedAndNonZipBytesAreInvalid) {
  std::string bytes = testing_util::BuildZip({{"a.txt", std::string(5000, 'a')}});
  EXPECT_EQ(ZipArchive::Open(bytes.substr(0, bytes.size() / 2), ConvertLimits{}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ZipArchive::Open("not a zip at all", ConvertLimits{}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ZipArchive::Open("", ConvertLimits{}).status().code(), StatusCode::kInvalidArgument);
}

TEST(ZipArchiveTest, CorruptEntryDataIsInvalid) {
  std::string bytes = testing_util::BuildZip({{"a.txt", std::string(5000, 'a') + "end"}});
  // Flip bytes inside the compressed data (after the 30-byte local header
  // and the 5-byte name), keeping the central directory intact.
  for (size_t i = 40; i < 48 && i < bytes.size(); ++i) bytes[i] = static_cast<char>(~bytes[i]);
  StatusOr<std::unique_ptr<ZipArchive>> zip = ZipArchive::Open(bytes, ConvertLimits{});
  ASSERT_TRUE(zip.ok()) << zip.status();
  EXPECT_EQ((*zip)->ReadEntry("a.txt").status().code(), StatusCode::kInvalidArgument);
}

TEST(ResolveZipPathTest, ResolvesRelativeReferences) {
  EXPECT_EQ(ResolveZipPath("OEBPS/", "text/ch1.xhtml"), "OEBPS/text/ch1.xhtml");
  EXPECT_EQ(ResolveZipPath("OEBPS/text/", "../images/a%20b.png#x"), "OEBPS/images/a b.png");
  EXPECT_EQ(ResolveZipPath("ppt/", "/ppt/slides/slide1.xml"), "ppt/slides/slide1.xml");
  EXPECT_EQ(ResolveZipPath("", "../../../etc/passwd"), "etc/passwd");
  EXPECT_EQ(ResolveZipPath("a/", "./b/./c"), "a/b/c");
  EXPECT_EQ(ZipDirectoryOf("word/document.xml"), "word/");
  EXPECT_EQ(ZipDirectoryOf("mimetype"), "");
}

}  // namespace
}  // namespace hearth
