#include "store/thread_table.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class ThreadTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM threads"); }
  void SetUpdatedAt(int64_t id, int64_t ms) {
    ASSERT_TRUE(db().Execute("UPDATE threads SET updated_at = " + std::to_string(ms) +
                             " WHERE id = " + std::to_string(id))
                    .ok());
  }

  int64_t workspace_ = 0;
};

TEST_F(ThreadTableTest, CreateThenGet) {
  ThreadTable table(db());
  auto id = table.Create(workspace_, "Walrus questions");
  ASSERT_TRUE(id.ok()) << id.status();
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->id, *id);
  EXPECT_EQ(row->workspace_id, workspace_);
  EXPECT_EQ(row->title, "Walrus questions");
  EXPECT_EQ(row->context_epoch, 0);
  EXPECT_GT(row->created_at_ms, 1'600'000'000'000);
  EXPECT_EQ(row->updated_at_ms, row->created_at_ms);
}

TEST_F(ThreadTableTest, TitleLimitsAndNothingWrittenOnError) {
  ThreadTable table(db());
  EXPECT_TRUE(table.Create(workspace_, "").ok());
  EXPECT_TRUE(table.Create(workspace_, std::string(kMaxThreadTitleBytes, 't')).ok());
  EXPECT_EQ(Count(), 2);
  for (const std::string& bad : {std::string(kMaxThreadTitleBytes + 1, 't'), "a\0b"s, "\xff"s}) {
    auto id = table.Create(workspace_, bad);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(id.status().message().find("thread title"), std::string::npos) << id.status();
  }
  EXPECT_EQ(Count(), 2);
}

TEST_F(ThreadTableTest, UnknownWorkspaceIsNotFound) {
  auto id = ThreadTable(db()).Create(999, "x");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_NE(id.status().message().find("workspace 999"), std::string::npos);
  EXPECT_EQ(Count(), 0);
}

TEST_F(ThreadTableTest, UnknownThreadsAreNotFoundByName) {
  ThreadTable table(db());
  ASSERT_TRUE(table.Create(workspace_, "keep").ok());
  const Status statuses[] = {table.Get(42).status(), table.Delete(42), table.Touch(42),
                             table.BumpEpoch(42).status(), table.SetTitle(42, "x")};
  for (const Status& status : statuses) {
    EXPECT_EQ(status.code(), StatusCode::kNotFound) << status;
    EXPECT_NE(status.message().find("thread 42"), std::string::npos) << status;
  }
  EXPECT_EQ(Count(), 1);
}

TEST_F(ThreadTableTest, ListIsNewestUpdatedFirstAndPerWorkspace) {
  ThreadTable table(db());
  const int64_t other = MakeWorkspace("other");
  auto a = table.Create(workspace_, "a");
  auto b = table.Create(workspace_, "b");
  auto c = table.Create(workspace_, "c");
  ASSERT_TRUE(table.Create(other, "elsewhere").ok());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  SetUpdatedAt(*a, 3000);
  SetUpdatedAt(*b, 1000);
  SetUpdatedAt(*c, 2000);
  auto rows = table.ListByWorkspace(workspace_);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].title, "a");
  EXPECT_EQ((*rows)[1].title, "c");
  EXPECT_EQ((*rows)[2].title, "b");
  // Touch moves a thread to the top.
  ASSERT_TRUE(table.Touch(*b).ok());
  rows = table.ListByWorkspace(workspace_);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->front().title, "b");
  EXPECT_GT(rows->front().updated_at_ms, 3000);
  EXPECT_TRUE(table.ListByWorkspace(999)->empty());
}

TEST_F(ThreadTableTest, BumpEpochCountsUp) {
  ThreadTable table(db());
  auto id = table.Create(workspace_, "t");
  ASSERT_TRUE(id.ok());
  SetUpdatedAt(*id, 5);
  EXPECT_EQ(*table.BumpEpoch(*id), 1);
  EXPECT_EQ(*table.BumpEpoch(*id), 2);
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->context_epoch, 2);
  EXPECT_GT(row->updated_at_ms, 5);
}

TEST_F(ThreadTableTest, SetTitleReplacesAndBadTitleChangesNothing) {
  ThreadTable table(db());
  auto id = table.Create(workspace_, "old");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(table.SetTitle(*id, "new title").ok());
  EXPECT_EQ(table.Get(*id)->title, "new title");
  EXPECT_EQ(table.SetTitle(*id, std::string(201, 'x')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Get(*id)->title, "new title");
}

TEST_F(ThreadTableTest, DeleteRemovesOnlyThatThreadAndWorkspaceDeleteCascades) {
  ThreadTable table(db());
  auto gone = table.Create(workspace_, "gone");
  auto keep = table.Create(workspace_, "keep");
  ASSERT_TRUE(gone.ok() && keep.ok());
  ASSERT_TRUE(table.Delete(*gone).ok());
  EXPECT_EQ(table.Get(*gone).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(table.Get(*keep).ok());
  ASSERT_TRUE(WorkspaceTable(db()).Delete(workspace_).ok());
  EXPECT_EQ(Count(), 0);
}

TEST_F(ThreadTableTest, OwnersAreRecordedListedAndDeletedByUser) {
  ThreadTable table(db());
  const int64_t other = MakeWorkspace("other");
  auto local = table.Create(workspace_, "local");
  auto ann = table.Create(workspace_, "ann's", 5);
  auto ann_elsewhere = table.Create(other, "ann's too", 5);
  auto bob = table.Create(workspace_, "bob's", 6);
  ASSERT_TRUE(local.ok() && ann.ok() && ann_elsewhere.ok() && bob.ok());
  EXPECT_EQ(table.Get(*local)->user_id, 0);
  EXPECT_EQ(table.Get(*ann)->user_id, 5);
  auto mine = table.ListByWorkspaceAndUser(workspace_, 5);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ(mine->front().id, *ann);
  EXPECT_EQ(table.ListByWorkspaceAndUser(workspace_, 0)->size(), 1u);
  EXPECT_EQ(table.ListByWorkspace(workspace_)->size(), 3u);
  auto deleted = table.DeleteByUser(5);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(table.Get(*ann_elsewhere).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(table.Get(*local).ok());
  EXPECT_TRUE(table.Get(*bob).ok());
  EXPECT_EQ(*table.DeleteByUser(5), 0);
}

TEST_F(ThreadTableTest, IdsAreNotReusedAfterDelete) {
  ThreadTable table(db());
  auto first = table.Create(workspace_, "a");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(table.Delete(*first).ok());
  auto second = table.Create(workspace_, "a");
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

}  // namespace
}  // namespace hearth
