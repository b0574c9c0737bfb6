#include "store/user_table.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class UserTableTest : public StoreTest {
 protected:
  int64_t Count() { return QueryInt("SELECT count(*) FROM users"); }
  int64_t Add(const std::string& name, const std::string& role = "default") {
    auto id = UserTable(db()).Create(name, "$argon2id$hash-of-" + name, role, 1000);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }
};

TEST_F(UserTableTest, CreateThenGetByIdAndByNameIgnoringCase) {
  UserTable table(db());
  const int64_t id = Add("Ann", "admin");
  auto row = table.Get(id);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->name, "Ann");
  EXPECT_EQ(row->password_hash, "$argon2id$hash-of-Ann");
  EXPECT_EQ(row->role, "admin");
  EXPECT_FALSE(row->suspended);
  EXPECT_EQ(row->created_at_ms, 1000);
  EXPECT_EQ(row->updated_at_ms, 1000);
  for (const char* spelling : {"Ann", "ann", "ANN"}) {
    auto found = table.GetByName(spelling);
    ASSERT_TRUE(found.ok()) << spelling;
    EXPECT_EQ(found->id, id);
  }
  auto missing = table.GetByName("bob");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("'bob'"), std::string::npos);
}

TEST_F(UserTableTest, DuplicateNameIgnoringCaseIsAlreadyExistsAndKeepsTheFirst) {
  const int64_t id = Add("ann", "admin");
  auto again = UserTable(db()).Create("ANN", "$argon2id$other", "default", 2000);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("ANN"), std::string::npos);
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(UserTable(db()).Get(id)->role, "admin");
}

TEST_F(UserTableTest, BadInputsAreRejectedAndNothingIsWritten) {
  UserTable table(db());
  const std::string long_name(kMaxUserNameBytes + 1, 'a');
  for (const std::string& bad : {""s, long_name, "a\0b"s, "\xff"s}) {
    EXPECT_EQ(table.Create(bad, "h", "default", 0).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(table.Create("ann", "", "default", 0).status().code(), StatusCode::kInvalidArgument);
  auto bad_role = table.Create("ann", "h", "root", 0);
  EXPECT_EQ(bad_role.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_role.status().message().find("root"), std::string::npos);
  EXPECT_EQ(Count(), 0);
}

TEST_F(UserTableTest, SettersUpdateTheRowAndBadValuesChangeNothing) {
  UserTable table(db());
  const int64_t id = Add("ann");
  ASSERT_TRUE(table.SetRole(id, "manager", 2000).ok());
  ASSERT_TRUE(table.SetSuspended(id, true, 3000).ok());
  ASSERT_TRUE(table.SetPasswordHash(id, "$argon2id$new", 4000).ok());
  auto row = table.Get(id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->role, "manager");
  EXPECT_TRUE(row->suspended);
  EXPECT_EQ(row->password_hash, "$argon2id$new");
  EXPECT_EQ(row->updated_at_ms, 4000);
  EXPECT_EQ(table.SetRole(id, "owner", 5000).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.SetPasswordHash(id, "", 5000).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Get(id)->role, "manager");
  EXPECT_EQ(table.Get(id)->updated_at_ms, 4000);
}

TEST_F(UserTableTest, CountsAndList) {
  UserTable table(db());
  EXPECT_EQ(*table.Count(), 0);
  const int64_t ann = Add("ann", "admin");
  Add("bob", "admin");
  Add("cy");
  ASSERT_TRUE(table.SetSuspended(ann, true, 2000).ok());
  EXPECT_EQ(*table.Count(), 3);
  EXPECT_EQ(*table.CountActiveWithRole("admin"), 1);
  EXPECT_EQ(*table.CountActiveWithRole("default"), 1);
  auto rows = table.List();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].name, "ann");
  EXPECT_EQ((*rows)[2].name, "cy");
}

TEST_F(UserTableTest, UnknownIdsAreNotFoundByName) {
  UserTable table(db());
  const Status statuses[] = {table.Get(42).status(), table.SetRole(42, "admin", 0),
                             table.SetSuspended(42, true, 0),
                             table.SetPasswordHash(42, "h", 0), table.Delete(42)};
  for (const Status& status : statuses) {
    EXPECT_EQ(status.code(), StatusCode::kNotFound) << status;
    EXPECT_NE(status.message().find("user 42"), std::string::npos) << status;
  }
}

TEST_F(UserTableTest, DeleteCascadesToSessionsKeysAndMembershipsAndIdsAreNotReused) {
  const int64_t ws = MakeWorkspace("w");
  const int64_t ann = Add("ann");
  const int64_t bob = Add("bob");
  for (int64_t user : {ann, bob}) {
    const std::string id = std::to_string(user);
    ASSERT_TRUE(db().Execute("INSERT INTO sessions (user_id, token_hash, csrf_hash, created_at, "
                             "last_seen_at, expires_at) VALUES (" + id + ", 't" + id +
                             "', 'c', 0, 0, 1);"
                             "INSERT INTO api_keys (user_id, name, token_hash, preview, actions, "
                             "created_at) VALUES (" + id + ", 'k', 'k" + id + "', 'p', 'read', 0);"
                             "INSERT INTO workspace_members VALUES (" + std::to_string(ws) + ", " +
                             id + ");")
                    .ok());
  }
  ASSERT_TRUE(UserTable(db()).Delete(ann).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_keys"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM workspace_members"), 1);
  EXPECT_EQ(QueryInt("SELECT user_id FROM sessions"), bob);
  EXPECT_NE(Add("ann"), ann);
}

}  // namespace
}  // namespace hearth
