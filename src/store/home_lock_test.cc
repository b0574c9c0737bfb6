#include "store/home_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Mode = HomeLock::Mode;

class HomeLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hearth-lock-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    home_ = pattern;
  }
  void TearDown() override { fs::remove_all(home_); }
  fs::path home_;
};

// flock locks belong to open files, so two acquisitions in one process
// conflict exactly as two processes do.
TEST_F(HomeLockTest, SharedHoldersCoexistAndKeepTheExclusiveOneOut) {
  StatusOr<HomeLock> server = HomeLock::Acquire(home_, Mode::kShared);
  StatusOr<HomeLock> backup = HomeLock::Acquire(home_, Mode::kShared);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE(backup.ok()) << backup.status();
  const StatusOr<HomeLock> restore = HomeLock::Acquire(home_, Mode::kExclusive);
  EXPECT_EQ(restore.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(restore.status().message(), HasSubstr("a hearth server (or a backup) is using"));
}

TEST_F(HomeLockTest, AnExclusiveHolderKeepsServersOutUntilReleased) {
  std::optional<StatusOr<HomeLock>> restore(HomeLock::Acquire(home_, Mode::kExclusive));
  ASSERT_TRUE(restore->ok()) << restore->status();
  const StatusOr<HomeLock> server = HomeLock::Acquire(home_, Mode::kShared);
  EXPECT_EQ(server.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(server.status().message(), HasSubstr("is being restored"));
  restore.reset();
  EXPECT_TRUE(HomeLock::Acquire(home_, Mode::kShared).ok());
}

TEST_F(HomeLockTest, AMissingHomeIsAnError) {
  EXPECT_EQ(HomeLock::Acquire(home_ / "absent", Mode::kShared).status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace hearth
