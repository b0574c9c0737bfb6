// Its own test binary: the fault budgets are process-wide.
#include "store/write_faults.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "store/blob_store.h"
#include "store/database.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class WriteFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "hearth-faults-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    ASSERT_TRUE(InstallWriteFaults({}).ok());
    fs::remove_all(dir_);
  }

  static Status Insert(Database& db, int i) {
    return db.Execute("INSERT INTO settings VALUES ('k" + std::to_string(i) + "', '" +
                      std::string(1000, 'v') + "', 0)");
  }

  static int64_t CountSettings(Database& db) {
    auto stmt = db.Prepare("SELECT count(*) FROM settings");
    if (!stmt.ok() || !stmt->Step().value_or(false)) return -1;
    return stmt->ColumnInt(0);
  }

  fs::path dir_;
};

std::span<const uint8_t> Bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST_F(WriteFaultsTest, ABlobBudgetFailsTheWriteThatPassesItAndStoresNothing) {
  auto store = BlobStore::Open({.root = dir_});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(InstallWriteFaults({.blob_bytes = 1000}).ok());
  auto small = (*store)->NewWriter();
  ASSERT_TRUE(small.ok());
  ASSERT_TRUE((*small)->Append(Bytes(std::string(600, 'a'))).ok());
  ASSERT_TRUE((*small)->Commit().ok());

  auto large = (*store)->NewWriter();
  ASSERT_TRUE(large.ok());
  const Status failed = (*large)->Append(Bytes(std::string(600, 'b')));
  EXPECT_EQ(failed.code(), StatusCode::kInsufficientStorage);
  EXPECT_THAT(failed.message(), HasSubstr("is full; nothing was stored; free space and retry"));
  EXPECT_FALSE((*store)->Contains(Sha256Of(std::string(600, 'b'))));
  EXPECT_TRUE(fs::is_empty(dir_ / "blobs" / "tmp"));
  auto tiny = (*store)->NewWriter();
  EXPECT_EQ((*tiny)->Append(Bytes("c")).code(), StatusCode::kInsufficientStorage)
      << "a disk that refused a write stays full";

  ASSERT_TRUE(InstallWriteFaults({}).ok());
  auto retried = (*store)->NewWriter();
  ASSERT_TRUE((*retried)->Append(Bytes(std::string(600, 'b'))).ok());
  EXPECT_TRUE((*retried)->Commit().ok()) << "space freed: the same write succeeds";
}

TEST_F(WriteFaultsTest, ADatabaseBudgetFailsTheTransactionAndKeepsWhatWasCommitted) {
  ASSERT_TRUE(InstallWriteFaults({.database_bytes = uint64_t{1} << 40}).ok());
  auto db = Database::Open({.path = dir_ / "hearth.db"});
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(Insert(**db, 0).ok());
  ASSERT_TRUE(InstallWriteFaults({.database_bytes = 20000}).ok());
  Status inserted;
  int committed = 1;
  for (; committed < 1000; ++committed) {
    inserted = Insert(**db, committed);
    if (!inserted.ok()) break;
  }
  ASSERT_LT(committed, 1000) << "the budget must run out";
  EXPECT_EQ(inserted.code(), StatusCode::kInsufficientStorage);
  EXPECT_THAT(inserted.message(), HasSubstr("the disk holding the database is full"));
  EXPECT_EQ(CountSettings(**db), committed) << "the failed insert left no trace";

  ASSERT_TRUE(InstallWriteFaults({}).ok());
  db->reset();
  auto reopened = Database::Open({.path = dir_ / "hearth.db"});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE((*reopened)->IntegrityProblems().value().empty());
  EXPECT_EQ(CountSettings(**reopened), committed);
  EXPECT_TRUE(Insert(**reopened, 5000).ok()) << "space freed: writes work again";
}

TEST_F(WriteFaultsTest, EnvironmentVariablesInstallBudgetsAndBadValuesAreNamed) {
  EXPECT_FALSE(InstallWriteFaultsFromEnvironment(MapEnvironment({})).value());
  EXPECT_TRUE(InstallWriteFaultsFromEnvironment(
                  MapEnvironment({{"HEARTH_TEST_DISK_FULL_BLOB_BYTES", "1KiB"}}))
                  .value());
  EXPECT_FALSE(internal::SpendBlobWriteBudget(2000));
  const StatusOr<bool> bad = InstallWriteFaultsFromEnvironment(
      MapEnvironment({{"HEARTH_TEST_DISK_FULL_DB_BYTES", "lots"}}));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("HEARTH_TEST_DISK_FULL_DB_BYTES"));
}

}  // namespace
}  // namespace hearth
