#include "store/database.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "store/migrations.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hearth-db-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ / "hearth.db";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string ReadAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path dir_;
  fs::path path_;
};

int LatestVersion() { return internal::AllMigrations().back().version; }

TEST_F(DatabaseTest, OpenCreatesAndMigratesToTheLatestSchema) {
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto version = (*db)->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, LatestVersion());
  EXPECT_TRUE(fs::exists(path_));
}

TEST_F(DatabaseTest, DataSurvivesReopenAndMigrationsAreNotReapplied) {
  {
    auto db = Database::Open({.path = path_});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("INSERT INTO settings VALUES ('theme', 'dark', 1)").ok());
  }
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto stmt = (*db)->Prepare("SELECT value FROM settings WHERE key = ?1");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(stmt->Bind(1, "theme").ok());
  auto has_row = stmt->Step();
  ASSERT_TRUE(has_row.ok() && *has_row);
  EXPECT_EQ(stmt->ColumnText(0), "dark");
}

TEST_F(DatabaseTest, UsesWriteAheadLogging) {
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok());
  auto stmt = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnText(0), "wal");
}

TEST_F(DatabaseTest, RefusesAFileThatIsNotADatabaseAndLeavesItAlone) {
  const std::string junk(8192, 'x');
  std::ofstream(path_, std::ios::binary) << junk;
  auto db = Database::Open({.path = path_});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find(path_.string()), std::string::npos);
  EXPECT_EQ(ReadAll(path_), junk);
}

TEST_F(DatabaseTest, RefusesADatabaseFromANewerHearthAndLeavesItAlone) {
  {
    auto db = Database::Open({.path = path_});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("PRAGMA user_version = 999").ok());
  }
  const std::string before = ReadAll(path_);
  auto db = Database::Open({.path = path_});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("newer"), std::string::npos) << db.status().ToString();
  EXPECT_EQ(ReadAll(path_), before);
}

TEST_F(DatabaseTest, MissingDirectoryIsUnavailableWithThePath) {
  auto db = Database::Open({.path = dir_ / "no-such-dir" / "hearth.db"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(db.status().message().find("no-such-dir"), std::string::npos);
}

TEST_F(DatabaseTest, ConstraintViolationIsAlreadyExistsAndKeepsTheFirstRow) {
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Execute("INSERT INTO settings VALUES ('k', 'first', 1)").ok());
  auto insert = (*db)->Prepare("INSERT INTO settings VALUES ('k', 'second', 2)");
  ASSERT_TRUE(insert.ok());
  Status status = insert->Run();
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status.ToString();
  auto select = (*db)->Prepare("SELECT value FROM settings WHERE key = 'k'");
  ASSERT_TRUE(select.ok() && *select->Step());
  EXPECT_EQ(select->ColumnText(0), "first");
}

TEST_F(DatabaseTest, BadSqlNamesTheStatement) {
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok());
  auto stmt = (*db)->Prepare("SELEC nothing");
  ASSERT_FALSE(stmt.ok());
  EXPECT_NE(stmt.status().message().find("SELEC nothing"), std::string::npos);
}

// The single integer `sql` returns, or -1.
int64_t QueryInt(Database& db, const std::string& sql) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return -1;
  auto has_row = stmt->Step();
  return has_row.ok() && *has_row ? stmt->ColumnInt(0) : -1;
}

// Fills the settings table with `rows` rows of 2 KiB each, then deletes them.
void FillAndEmpty(Database& db, int rows) {
  ASSERT_TRUE(db.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < " +
                         std::to_string(rows) +
                         ") INSERT INTO settings SELECT 'k' || i, hex(zeroblob(1024)), 0 "
                         "FROM n")
                  .ok());
  ASSERT_TRUE(db.Execute("DELETE FROM settings").ok());
}

TEST_F(DatabaseTest, ReclaimSpaceReturnsFreedPages) {
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(QueryInt(**db, "PRAGMA auto_vacuum"), 2);  // incremental
  const int64_t empty_pages = QueryInt(**db, "PRAGMA page_count");
  FillAndEmpty(**db, 500);
  const int64_t full_pages = QueryInt(**db, "PRAGMA page_count");
  EXPECT_GT(QueryInt(**db, "PRAGMA freelist_count"), 100);
  ASSERT_TRUE((*db)->ReclaimSpace().ok());
  EXPECT_EQ(QueryInt(**db, "PRAGMA freelist_count"), 0);
  EXPECT_LT(QueryInt(**db, "PRAGMA page_count"), full_pages - 100);
  EXPECT_LE(QueryInt(**db, "PRAGMA page_count"), empty_pages + 1);
  EXPECT_TRUE((*db)->IntegrityProblems()->empty());
}

TEST_F(DatabaseTest, AnOlderDatabaseKeepsItsVacuumModeAndReclaimIsHarmless) {
  {
    auto db = Database::Open({.path = path_});
    ASSERT_TRUE(db.ok());
    // As a database made before incremental auto-vacuum was the default.
    ASSERT_TRUE((*db)->Execute("PRAGMA auto_vacuum = NONE; VACUUM;").ok());
    ASSERT_EQ(QueryInt(**db, "PRAGMA auto_vacuum"), 0);
  }
  auto db = Database::Open({.path = path_});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(QueryInt(**db, "PRAGMA auto_vacuum"), 0);
  FillAndEmpty(**db, 200);
  const int64_t free_pages = QueryInt(**db, "PRAGMA freelist_count");
  EXPECT_GT(free_pages, 50);
  EXPECT_TRUE((*db)->ReclaimSpace().ok());
  EXPECT_EQ(QueryInt(**db, "PRAGMA freelist_count"), free_pages);
}

}  // namespace
}  // namespace hearth
