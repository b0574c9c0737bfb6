#include "base/mapped_file_pages.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace hearth {
namespace {

constexpr size_t kFileBytes = 4 << 20;

// A file of kFileBytes with a known pattern, mapped read-only and read in
// full so that every page is resident in this process.
class MappedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "mapped-file-pages-" + std::to_string(::getpid());
    std::vector<char> bytes(kFileBytes);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 + i / 4096);
    std::ofstream(path_, std::ios::binary).write(bytes.data(), bytes.size());
    const int fd = ::open(path_.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    address_ = ::mmap(nullptr, kFileBytes, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    ASSERT_NE(address_, MAP_FAILED);
    EXPECT_EQ(Checksum(), ExpectedChecksum());
  }
  void TearDown() override {
    if (address_ != MAP_FAILED) ::munmap(address_, kFileBytes);
    std::filesystem::remove(path_);
  }

  uint64_t Checksum() const {
    const auto* bytes = static_cast<const unsigned char*>(address_);
    uint64_t sum = 0;
    for (size_t i = 0; i < kFileBytes; ++i) sum = sum * 31 + bytes[i];
    return sum;
  }
  static uint64_t ExpectedChecksum() {
    uint64_t sum = 0;
    for (size_t i = 0; i < kFileBytes; ++i) sum = sum * 31 + static_cast<unsigned char>(i * 7 + i / 4096);
    return sum;
  }

  std::filesystem::path path_;
  void* address_ = MAP_FAILED;
};

TEST_F(MappedFileTest, ReleasingDropsTheResidentPagesAndKeepsTheContents) {
  StatusOr<uint64_t> before = MappedFileResidentBytes(path_);
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(*before, kFileBytes);

  StatusOr<uint64_t> advised = ReleaseMappedFilePages(path_);
  ASSERT_TRUE(advised.ok()) << advised.status();
  EXPECT_EQ(*advised, kFileBytes);
  EXPECT_EQ(*MappedFileResidentBytes(path_), 0u);

  // Read again: the same bytes, faulted back in from the page cache.
  EXPECT_EQ(Checksum(), ExpectedChecksum());
  EXPECT_EQ(*MappedFileResidentBytes(path_), kFileBytes);
}

TEST_F(MappedFileTest, AnotherPathToTheSameFileFindsItsMapping) {
  const std::filesystem::path link = path_.string() + ".link";
  std::filesystem::create_symlink(path_, link);
  EXPECT_EQ(*ReleaseMappedFilePages(link), kFileBytes);
  std::filesystem::remove(link);
}

TEST(MappedFilePagesTest, AFileThatIsNotMappedHasNothingToRelease) {
  const std::string path = ::testing::TempDir() + "not-mapped-" + std::to_string(::getpid());
  std::ofstream(path) << "x";
  EXPECT_EQ(*ReleaseMappedFilePages(path), 0u);
  EXPECT_EQ(*MappedFileResidentBytes(path), 0u);
  std::filesystem::remove(path);
}

TEST(MappedFilePagesTest, AMissingFileIsNotFound) {
  EXPECT_EQ(ReleaseMappedFilePages("/nonexistent/model.gguf").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace hearth
