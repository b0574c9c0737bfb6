#include "store/database_backup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "store/database.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class DatabaseBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hearth-dbbackup-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static int64_t CountSettings(Database& db) {
    auto stmt = db.Prepare("SELECT count(*) FROM settings");
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    if (!stmt.ok() || !stmt->Step().value_or(false)) return -1;
    return stmt->ColumnInt(0);
  }

  static Status Insert(Database& db, int i) {
    return db.Execute("INSERT INTO settings VALUES ('k" + std::to_string(i) + "', '" +
                      std::string(200, 'v') + "', 0)");
  }

  fs::path dir_;
};

TEST_F(DatabaseBackupTest, CopiesOneSnapshotWhileAnotherConnectionWrites) {
  auto source = Database::Open({.path = dir_ / "hearth.db"});
  ASSERT_TRUE(source.ok()) << source.status();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(Insert(**source, i).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> written{200};
  std::thread writer([&] {
    auto db = Database::Open({.path = dir_ / "hearth.db"});
    while (db.ok() && !stop.load()) {
      if (Insert(**db, written.load()).ok()) ++written;
    }
  });
  const int before = written.load();
  const Status copied = BackupDatabase(dir_ / "hearth.db", dir_ / "copy.db");
  const int after = written.load();
  stop = true;
  writer.join();
  ASSERT_TRUE(copied.ok()) << copied;

  EXPECT_FALSE(fs::exists(dir_ / "copy.db-wal"));
  auto copy = Database::Open({.path = dir_ / "copy.db"});
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_TRUE((*copy)->IntegrityProblems().value().empty());
  const int64_t rows = CountSettings(**copy);
  EXPECT_GE(rows, before);  // everything committed before the backup began
  EXPECT_LE(rows, after);
  EXPECT_GT(written.load(), after - 1) << "the writer was never blocked for good";
}

TEST_F(DatabaseBackupTest, RefusesAMissingSourceAnExistingTargetAndAFileThatIsNoDatabase) {
  EXPECT_EQ(BackupDatabase(dir_ / "absent.db", dir_ / "copy.db").code(), StatusCode::kNotFound);

  ASSERT_TRUE(Database::Open({.path = dir_ / "hearth.db"}).ok());
  std::ofstream(dir_ / "taken.db") << "x";
  const Status taken = BackupDatabase(dir_ / "hearth.db", dir_ / "taken.db");
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);

  std::ofstream(dir_ / "text.db") << std::string(8192, 'n');
  const Status not_a_database = BackupDatabase(dir_ / "text.db", dir_ / "copy.db");
  EXPECT_EQ(not_a_database.code(), StatusCode::kFailedPrecondition) << not_a_database;
  EXPECT_FALSE(fs::exists(dir_ / "copy.db")) << "nothing is left behind";
}

}  // namespace
}  // namespace hearth
