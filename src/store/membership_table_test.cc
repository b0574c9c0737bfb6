#include "store/membership_table.h"

#include <vector>

#include "store/store_test_database.h"
#include "store/user_table.h"

namespace hearth {
namespace {

class MembershipTableTest : public StoreTest {
 protected:
  int64_t User(const char* name) {
    auto id = UserTable(db()).Create(name, "$argon2id$h", "default", 0);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }
};

TEST_F(MembershipTableTest, AddIsIdempotentAndListsBothWays) {
  MembershipTable table(db());
  const int64_t w1 = MakeWorkspace("w1");
  const int64_t w2 = MakeWorkspace("w2");
  const int64_t ann = User("ann");
  const int64_t bob = User("bob");
  EXPECT_EQ(*table.Add(w2, ann), true);
  EXPECT_EQ(*table.Add(w1, ann), true);
  EXPECT_EQ(*table.Add(w1, ann), false);
  EXPECT_EQ(*table.Add(w1, bob), true);
  EXPECT_EQ(*table.ListWorkspacesOf(ann), (std::vector<int64_t>{w1, w2}));
  EXPECT_EQ(*table.ListMembersOf(w1), (std::vector<int64_t>{ann, bob}));
  EXPECT_TRUE(*table.IsMember(w2, ann));
  EXPECT_FALSE(*table.IsMember(w2, bob));
}

TEST_F(MembershipTableTest, UnknownWorkspaceOrUserIsNotFoundAndWritesNothing) {
  MembershipTable table(db());
  const int64_t w = MakeWorkspace("w");
  const int64_t ann = User("ann");
  EXPECT_EQ(table.Add(999, ann).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.Add(w, 999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM workspace_members"), 0);
  Status not_member = table.Remove(w, ann);
  EXPECT_EQ(not_member.code(), StatusCode::kNotFound);
  EXPECT_NE(not_member.message().find("not a member"), std::string::npos);
}

TEST_F(MembershipTableTest, RemoveAndWorkspaceDeleteCascade) {
  MembershipTable table(db());
  const int64_t w1 = MakeWorkspace("w1");
  const int64_t w2 = MakeWorkspace("w2");
  const int64_t ann = User("ann");
  ASSERT_TRUE(table.Add(w1, ann).ok());
  ASSERT_TRUE(table.Add(w2, ann).ok());
  ASSERT_TRUE(table.Remove(w1, ann).ok());
  EXPECT_EQ(*table.ListWorkspacesOf(ann), (std::vector<int64_t>{w2}));
  ASSERT_TRUE(WorkspaceTable(db()).Delete(w2).ok());
  EXPECT_TRUE(table.ListWorkspacesOf(ann)->empty());
}

}  // namespace
}  // namespace hearth
