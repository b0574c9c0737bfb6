#include "base/paths.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A fresh directory under the test temp dir, removed with everything in it.
class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = ::testing::TempDir() + "hearth_paths_test_XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = fs::canonical(pattern);
  }
  ~TempDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class SafeJoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(temp_.path().empty()) << "mkdtemp failed";
    base_ = temp_.path() / "base";
    outside_ = temp_.path() / "outside";
    fs::create_directories(base_ / "sub");
    fs::create_directories(outside_);
  }

  // Expects SafeJoin(base_, name) to fail with `code` and a message that
  // contains `reason`.
  void ExpectRejected(std::string_view name, StatusCode code, std::string_view reason) {
    const StatusOr<fs::path> result = SafeJoin(base_, name);
    ASSERT_FALSE(result.ok()) << "accepted " << name << " as " << *result;
    EXPECT_EQ(result.status().code(), code) << result.status();
    EXPECT_THAT(result.status().message(), HasSubstr(std::string(reason)));
  }

  TempDirectory temp_;
  fs::path base_;
  fs::path outside_;
};

TEST_F(SafeJoinTest, GoodNamesBecomeAbsolutePathsInsideBase) {
  EXPECT_EQ(SafeJoin(base_, "a/b.txt").value(), base_ / "a" / "b.txt");
  EXPECT_EQ(SafeJoin(base_, "./a//b").value(), base_ / "a" / "b");
  EXPECT_EQ(SafeJoin(base_, "sub/").value(), base_ / "sub");
  EXPECT_EQ(SafeJoin(base_, "sub/./new.gguf").value(), base_ / "sub" / "new.gguf");
  EXPECT_EQ(SafeJoin(base_, "caf\xc3\xa9 \xe2\x9c\x93.md").value(),
            base_ / "caf\xc3\xa9 \xe2\x9c\x93.md");
  EXPECT_EQ(SafeJoin(base_, "..hidden/x..y").value(), base_ / "..hidden" / "x..y");
}

TEST_F(SafeJoinTest, BaseIsCanonicalized) {
  fs::create_directory_symlink(base_, temp_.path() / "base_link");
  EXPECT_EQ(SafeJoin(temp_.path() / "base_link", "a").value(), base_ / "a");
  EXPECT_EQ(SafeJoin(temp_.path() / "base" / ".." / "base", "a").value(), base_ / "a");
}

TEST_F(SafeJoinTest, RejectsParentComponents) {
  ExpectRejected("../x", StatusCode::kInvalidArgument, "'..' components are not allowed");
  ExpectRejected("a/../../x", StatusCode::kInvalidArgument, "'..'");
  ExpectRejected("a/..", StatusCode::kInvalidArgument, "'..'");
  ExpectRejected("..", StatusCode::kInvalidArgument, "'..'");
  ExpectRejected("sub/../sub/x", StatusCode::kInvalidArgument, "'..'");
}

TEST_F(SafeJoinTest, RejectsAbsolutePaths) {
  ExpectRejected("/etc/passwd", StatusCode::kInvalidArgument, "absolute paths are not allowed");
  ExpectRejected("//etc/passwd", StatusCode::kInvalidArgument, "absolute");
}

TEST_F(SafeJoinTest, RejectsEmptyAndDotOnlyNames) {
  ExpectRejected("", StatusCode::kInvalidArgument, "empty");
  ExpectRejected(".", StatusCode::kInvalidArgument, "names no file");
  ExpectRejected("./", StatusCode::kInvalidArgument, "names no file");
}

TEST_F(SafeJoinTest, RejectsControlCharactersShowingThemEscaped) {
  ExpectRejected(std::string("a\0b", 3), StatusCode::kInvalidArgument,
                 "'a\\x00b': it contains a NUL");
  ExpectRejected("a\nb", StatusCode::kInvalidArgument, "'a\\nb': it contains a control character");
  ExpectRejected("a\x1b[2Jb", StatusCode::kInvalidArgument, "control character");
  ExpectRejected("a\x7f", StatusCode::kInvalidArgument, "control character");
  ExpectRejected("tab\there", StatusCode::kInvalidArgument, "control character");
}

TEST_F(SafeJoinTest, RejectsBackslashes) {
  ExpectRejected("a\\b", StatusCode::kInvalidArgument, "backslash");
  ExpectRejected("..\\..\\windows", StatusCode::kInvalidArgument, "backslash");
}

TEST_F(SafeJoinTest, RejectsOverlongNames) {
  ExpectRejected(std::string(256, 'a'), StatusCode::kInvalidArgument, "longer than 255 bytes");
  ExpectRejected("ok/" + std::string(256, 'a') + "/ok", StatusCode::kInvalidArgument, "255");
  EXPECT_TRUE(SafeJoin(base_, std::string(255, 'a')).ok());
  std::string long_name;
  while (long_name.size() < 5000) long_name += "abcdefgh/";
  ExpectRejected(long_name, StatusCode::kInvalidArgument, "longer than 4096 bytes");
  // The message quotes a bounded prefix, not the whole input.
  EXPECT_LT(SafeJoin(base_, long_name).status().message().size(), 300u);
}

TEST_F(SafeJoinTest, RejectsInvalidUtf8) {
  ExpectRejected("bad\xff", StatusCode::kInvalidArgument, "'bad\\xff': it is not valid UTF-8");
  ExpectRejected("\xc0\xaf", StatusCode::kInvalidArgument, "UTF-8");           // overlong '/'
  ExpectRejected("\xed\xa0\x80", StatusCode::kInvalidArgument, "UTF-8");       // surrogate
  ExpectRejected("truncated\xe2\x9c", StatusCode::kInvalidArgument, "UTF-8");  // cut sequence
}

TEST_F(SafeJoinTest, SymlinkPointingOutsideIsPermissionDenied) {
  fs::create_directory_symlink(outside_, base_ / "escape");
  ExpectRejected("escape/secret.txt", StatusCode::kPermissionDenied, "resolves outside");
  ExpectRejected("escape", StatusCode::kPermissionDenied, "resolves outside");
  fs::create_symlink("/etc/passwd", base_ / "sub" / "passwd");
  ExpectRejected("sub/passwd", StatusCode::kPermissionDenied, "resolves outside");
  fs::create_directory_symlink("../..", base_ / "sub" / "up");
  ExpectRejected("sub/up/outside/x", StatusCode::kPermissionDenied, "resolves outside");
}

TEST_F(SafeJoinTest, DanglingSymlinkIsPermissionDenied) {
  // A dangling link could be created through: O_CREAT would follow it.
  fs::create_symlink(outside_ / "not-yet", base_ / "dangling");
  ExpectRejected("dangling", StatusCode::kPermissionDenied, "does not resolve");
  fs::create_symlink("loop", base_ / "loop");
  ExpectRejected("loop/x", StatusCode::kPermissionDenied, "does not resolve");
}

TEST_F(SafeJoinTest, SymlinkPointingInsideIsResolved) {
  fs::create_directory_symlink(base_ / "sub", base_ / "alias");
  EXPECT_EQ(SafeJoin(base_, "alias/file.txt").value(), base_ / "sub" / "file.txt");
  fs::create_directory_symlink("..", base_ / "sub" / "parent");
  EXPECT_EQ(SafeJoin(base_, "sub/parent/sub").value(), base_ / "sub");
}

TEST_F(SafeJoinTest, MissingOrNonDirectoryBaseIsFailedPrecondition) {
  EXPECT_EQ(SafeJoin(temp_.path() / "missing", "a").status().code(),
            StatusCode::kFailedPrecondition);
  std::ofstream(temp_.path() / "file") << "x";
  EXPECT_EQ(SafeJoin(temp_.path() / "file", "a").status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SafeJoinTest, ComponentUnderARegularFileIsAnError) {
  std::ofstream(base_ / "plain") << "x";
  const StatusOr<fs::path> result = SafeJoin(base_, "plain/x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("not a directory"));
}

TEST(CheckSafeRelativeNameTest, IsTheLexicalPartOfSafeJoin) {
  EXPECT_TRUE(CheckSafeRelativeName("models/llama.gguf").ok());
  EXPECT_EQ(CheckSafeRelativeName("../x").code(), StatusCode::kInvalidArgument);
}

TEST(DefaultHearthHomeTest, PrefersHearthHomeThenHome) {
  EXPECT_EQ(DefaultHearthHome(MapEnvironment({{"HEARTH_HOME", "/data/h"}, {"HOME", "/home/u"}})),
            fs::path("/data/h"));
  EXPECT_EQ(DefaultHearthHome(MapEnvironment({{"HEARTH_HOME", ""}, {"HOME", "/home/u"}})),
            fs::path("/home/u/.hearth"));
  EXPECT_EQ(DefaultHearthHome(MapEnvironment({})).filename(), ".hearth");
}

TEST(EnsureDirectoryTest, CreatesNestedDirectoriesOwnerOnly) {
  TempDirectory temp;
  const fs::path target = temp.path() / "a" / "b" / "c";
  ASSERT_TRUE(EnsureDirectory(target).ok());
  EXPECT_TRUE(fs::is_directory(target));
  struct stat info {};
  ASSERT_EQ(::stat(target.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_TRUE(EnsureDirectory(target).ok());  // already there
}

TEST(EnsureDirectoryTest, ReportsAFileInTheWay) {
  TempDirectory temp;
  std::ofstream(temp.path() / "file") << "x";
  const Status status = EnsureDirectory(temp.path() / "file");
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("exists and is not a directory"));
  EXPECT_EQ(EnsureDirectory(temp.path() / "file" / "sub").code(), StatusCode::kFailedPrecondition);
}

TEST(EnsureDirectoryTest, ReportsErrnoText) {
  TempDirectory temp;
  const Status status = EnsureDirectory(temp.path() / std::string(300, 'x'));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("cannot create directory '"));
  EXPECT_THAT(status.message(), HasSubstr(std::string(300, 'x') + "': File name too long"));
}

TEST(EnsureDirectoryTest, ReportsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root bypasses directory permissions";
  TempDirectory temp;
  const fs::path locked = temp.path() / "locked";
  ASSERT_TRUE(EnsureDirectory(locked).ok());
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  const Status status = EnsureDirectory(locked / "x");
  fs::permissions(locked, fs::perms::owner_all);
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("Permission denied"));
}

}  // namespace
}  // namespace hearth
