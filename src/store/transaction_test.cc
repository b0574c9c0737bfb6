#include "store/transaction.h"

#include "store/store_test_database.h"

namespace hearth {
namespace {

using TransactionTest = StoreTest;

TEST_F(TransactionTest, CommitKeepsTheWork) {
  {
    auto transaction = Transaction::Begin(db());
    ASSERT_TRUE(transaction.ok()) << transaction.status();
    ASSERT_TRUE(db().Execute("INSERT INTO settings VALUES ('a', '1', 1)").ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  EXPECT_FALSE(db().InTransaction());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings"), 1);
}

TEST_F(TransactionTest, DestructionWithoutCommitRollsBack) {
  {
    auto transaction = Transaction::Begin(db());
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(db().Execute("INSERT INTO settings VALUES ('a', '1', 1)").ok());
  }
  EXPECT_FALSE(db().InTransaction());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings"), 0);
}

TEST_F(TransactionTest, NestedTransactionRollsBackOnlyItsOwnWork) {
  auto outer = Transaction::Begin(db());
  ASSERT_TRUE(outer.ok());
  ASSERT_TRUE(db().Execute("INSERT INTO settings VALUES ('outer', '1', 1)").ok());
  {
    auto inner = Transaction::Begin(db());
    ASSERT_TRUE(inner.ok()) << inner.status();
    ASSERT_TRUE(db().Execute("INSERT INTO settings VALUES ('inner', '1', 1)").ok());
  }
  EXPECT_TRUE(db().InTransaction());
  ASSERT_TRUE(outer->Commit().ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings WHERE key = 'outer'"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings WHERE key = 'inner'"), 0);
}

TEST_F(TransactionTest, CommittedNestedWorkFollowsTheOuterRollback) {
  {
    auto outer = Transaction::Begin(db());
    ASSERT_TRUE(outer.ok());
    auto inner = Transaction::Begin(db());
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(db().Execute("INSERT INTO settings VALUES ('inner', '1', 1)").ok());
    ASSERT_TRUE(inner->Commit().ok());
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings"), 0);
}

TEST_F(TransactionTest, SecondCommitIsAnError) {
  auto transaction = Transaction::Begin(db());
  ASSERT_TRUE(transaction.ok());
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_EQ(transaction->Commit().code(), StatusCode::kFailedPrecondition);
}

TEST_F(TransactionTest, BusyDatabaseIsUnavailable) {
  auto other = Database::Open({.path = path(), .busy_timeout = std::chrono::milliseconds(0)});
  ASSERT_TRUE(other.ok());
  auto holding = Transaction::Begin(db());
  ASSERT_TRUE(holding.ok());
  auto blocked = Transaction::Begin(**other);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable) << blocked.status();
}

}  // namespace
}  // namespace hearth
