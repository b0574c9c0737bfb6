#include "store/session_table.h"

#include <string>

#include "store/store_test_database.h"
#include "store/user_table.h"

namespace hearth {
namespace {

class SessionTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto id = UserTable(db()).Create("ann", "$argon2id$h", "default", 0);
    ASSERT_TRUE(id.ok()) << id.status();
    user_ = *id;
  }
  SessionRow Session(const std::string& token_hash, int64_t user_id) {
    return {.user_id = user_id,
            .token_hash = token_hash,
            .csrf_hash = "csrf-" + token_hash,
            .created_at_ms = 100,
            .last_seen_at_ms = 100,
            .expires_at_ms = 1000};
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM sessions"); }

  int64_t user_ = 0;
};

TEST_F(SessionTableTest, CreateThenFindByTokenHash) {
  SessionTable table(db());
  auto id = table.Create(Session("aaaa", user_));
  ASSERT_TRUE(id.ok()) << id.status();
  auto row = table.GetByTokenHash("aaaa");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->id, *id);
  EXPECT_EQ(row->user_id, user_);
  EXPECT_EQ(row->csrf_hash, "csrf-aaaa");
  EXPECT_EQ(row->created_at_ms, 100);
  EXPECT_EQ(row->last_seen_at_ms, 100);
  EXPECT_EQ(row->expires_at_ms, 1000);
  auto missing = table.GetByTokenHash("bbbb");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message().find("bbbb"), std::string::npos);
}

TEST_F(SessionTableTest, BadRowsAreRejectedAndNothingIsWritten) {
  SessionTable table(db());
  ASSERT_TRUE(table.Create(Session("aaaa", user_)).ok());
  EXPECT_EQ(table.Create(Session("aaaa", user_)).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(table.Create(Session("", user_)).status().code(), StatusCode::kInvalidArgument);
  auto unknown_user = table.Create(Session("cccc", 999));
  EXPECT_EQ(unknown_user.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown_user.status().message().find("user 999"), std::string::npos);
  EXPECT_EQ(Count(), 1);
}

TEST_F(SessionTableTest, TouchDeleteAndDeleteByUser) {
  SessionTable table(db());
  auto other_user = UserTable(db()).Create("bob", "$argon2id$h", "default", 0);
  ASSERT_TRUE(other_user.ok());
  auto a = table.Create(Session("a", user_));
  auto b = table.Create(Session("b", user_));
  ASSERT_TRUE(table.Create(Session("c", *other_user)).ok());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(table.Touch(*a, 500).ok());
  EXPECT_EQ(table.GetByTokenHash("a")->last_seen_at_ms, 500);
  ASSERT_TRUE(table.Delete(*a).ok());
  EXPECT_EQ(table.Delete(*a).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.Touch(*a, 600).code(), StatusCode::kNotFound);
  EXPECT_EQ(*table.DeleteByUser(user_), 1);
  EXPECT_EQ(Count(), 1);
  EXPECT_TRUE(table.GetByTokenHash("c").ok());
}

TEST_F(SessionTableTest, DeleteExpiredRemovesEndedAndIdleSessionsOnly) {
  SessionTable table(db());
  SessionRow ended = Session("ended", user_);
  ended.expires_at_ms = 900;
  SessionRow idle = Session("idle", user_);
  idle.last_seen_at_ms = 50;
  SessionRow live = Session("live", user_);
  live.last_seen_at_ms = 800;
  for (const SessionRow& row : {ended, idle, live}) ASSERT_TRUE(table.Create(row).ok());
  auto deleted = table.DeleteExpired(/*now_ms=*/900, /*idle_before_ms=*/60);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_TRUE(table.GetByTokenHash("live").ok());
  EXPECT_EQ(Count(), 1);
}

}  // namespace
}  // namespace hearth
