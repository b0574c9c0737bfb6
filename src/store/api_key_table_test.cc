#include "store/api_key_table.h"

#include <string>
#include <vector>

#include "store/store_test_database.h"
#include "store/user_table.h"

namespace hearth {
namespace {

class ApiKeyTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto id = UserTable(db()).Create("ann", "$argon2id$h", "default", 0);
    ASSERT_TRUE(id.ok()) << id.status();
    user_ = *id;
  }
  ApiKeyRow Key(const std::string& token_hash) {
    return {.user_id = user_,
            .name = "ci",
            .token_hash = token_hash,
            .preview = "hearth_sk_Ab3d",
            .actions = "read,chat",
            .created_at_ms = 100};
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM api_keys"); }

  int64_t user_ = 0;
};

TEST_F(ApiKeyTableTest, CreateThenGetByIdAndHash) {
  ApiKeyTable table(db());
  ApiKeyRow key = Key("h1");
  key.expires_at_ms = 5000;
  auto id = table.Create(key);
  ASSERT_TRUE(id.ok()) << id.status();
  auto row = table.GetByTokenHash("h1");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->id, *id);
  EXPECT_EQ(row->user_id, user_);
  EXPECT_EQ(row->name, "ci");
  EXPECT_EQ(row->preview, "hearth_sk_Ab3d");
  EXPECT_EQ(row->actions, "read,chat");
  EXPECT_FALSE(row->workspaces.has_value());
  EXPECT_EQ(row->created_at_ms, 100);
  EXPECT_FALSE(row->last_used_at_ms.has_value());
  EXPECT_EQ(row->expires_at_ms, 5000);
  EXPECT_FALSE(row->revoked_at_ms.has_value());
  EXPECT_EQ(table.Get(*id)->token_hash, "h1");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_keys WHERE workspaces IS NULL"), 1);
}

TEST_F(ApiKeyTableTest, WorkspaceScopeIsStoredAsACommaList) {
  ApiKeyTable table(db());
  ApiKeyRow key = Key("h1");
  key.workspaces = std::vector<int64_t>{3, 7};
  auto id = table.Create(key);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(table.Get(*id)->workspaces, (std::vector<int64_t>{3, 7}));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_keys WHERE workspaces = '3,7'"), 1);
  // A damaged list never grants more than the ids it spells.
  ASSERT_TRUE(db().Execute("UPDATE api_keys SET workspaces = '3,x,-1,,9'").ok());
  EXPECT_EQ(table.Get(*id)->workspaces, (std::vector<int64_t>{3, 9}));
}

TEST_F(ApiKeyTableTest, BadRowsAreRejectedAndNothingIsWritten) {
  ApiKeyTable table(db());
  ASSERT_TRUE(table.Create(Key("h1")).ok());
  EXPECT_EQ(table.Create(Key("h1")).status().code(), StatusCode::kAlreadyExists);
  ApiKeyRow no_name = Key("h2");
  no_name.name = "";
  ApiKeyRow long_name = Key("h3");
  long_name.name = std::string(kMaxApiKeyNameBytes + 1, 'k');
  ApiKeyRow no_actions = Key("h4");
  no_actions.actions = "";
  ApiKeyRow empty_scope = Key("h5");
  empty_scope.workspaces = std::vector<int64_t>{};
  ApiKeyRow bad_scope = Key("h6");
  bad_scope.workspaces = std::vector<int64_t>{0};
  ApiKeyRow no_hash = Key("");
  for (const ApiKeyRow& bad : {no_name, long_name, no_actions, empty_scope, bad_scope, no_hash}) {
    EXPECT_EQ(table.Create(bad).status().code(), StatusCode::kInvalidArgument) << bad.token_hash;
  }
  ApiKeyRow unknown_user = Key("h7");
  unknown_user.user_id = 999;
  EXPECT_EQ(table.Create(unknown_user).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Count(), 1);
}

TEST_F(ApiKeyTableTest, RevokeOnceAndLastUsed) {
  ApiKeyTable table(db());
  auto id = table.Create(Key("h1"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(table.SetLastUsed(*id, 300).ok());
  EXPECT_EQ(table.Get(*id)->last_used_at_ms, 300);
  EXPECT_EQ(*table.Revoke(*id, 400), true);
  EXPECT_EQ(*table.Revoke(*id, 500), false);
  EXPECT_EQ(table.Get(*id)->revoked_at_ms, 400);
  EXPECT_EQ(table.Revoke(42, 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.SetLastUsed(42, 0).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.Get(42).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.GetByTokenHash("nope").status().code(), StatusCode::kNotFound);
}

TEST_F(ApiKeyTableTest, ListAllAndByUser) {
  ApiKeyTable table(db());
  auto bob = UserTable(db()).Create("bob", "$argon2id$h", "default", 0);
  ASSERT_TRUE(bob.ok());
  ASSERT_TRUE(table.Create(Key("h1")).ok());
  ApiKeyRow bobs = Key("h2");
  bobs.user_id = *bob;
  ASSERT_TRUE(table.Create(bobs).ok());
  EXPECT_EQ(table.List()->size(), 2u);
  auto mine = table.ListByUser(user_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().token_hash, "h1");
  EXPECT_TRUE(table.ListByUser(999)->empty());
}

}  // namespace
}  // namespace hearth
