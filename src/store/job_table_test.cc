#include "store/job_table.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class JobTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
    document_ = MakeDocument(workspace_, 'a');
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM jobs"); }

  int64_t workspace_ = 0;
  int64_t document_ = 0;
};

TEST_F(JobTableTest, CreateIsQueuedWithoutTimesOrProgress) {
  JobTable table(db());
  auto id = table.Create(JobKind::kIngest, workspace_, document_);
  ASSERT_TRUE(id.ok()) << id.status();
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->kind, JobKind::kIngest);
  EXPECT_EQ(row->workspace_id, workspace_);
  EXPECT_EQ(row->document_id, document_);
  EXPECT_EQ(row->state, JobState::kQueued);
  EXPECT_EQ(row->progress.chunks_total, 0);
  EXPECT_FALSE(row->started_at_ms.has_value());
  EXPECT_FALSE(row->finished_at_ms.has_value());
  auto reembed = table.Create(JobKind::kReembed, workspace_, std::nullopt);
  ASSERT_TRUE(reembed.ok());
  EXPECT_FALSE(table.Get(*reembed)->document_id.has_value());
}

TEST_F(JobTableTest, ReembedJobRecordsItsTargetEmbedder) {
  JobTable table(db());
  auto id = table.CreateReembed(workspace_, "nomic-embed-text:latest");
  ASSERT_TRUE(id.ok()) << id.status();
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->kind, JobKind::kReembed);
  EXPECT_EQ(row->target_embedder, "nomic-embed-text:latest");
  EXPECT_FALSE(row->document_id.has_value());
  EXPECT_EQ(table.CreateReembed(workspace_, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.CreateReembed(999, "m").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM jobs"), 1);
}

TEST_F(JobTableTest, UnknownOrMismatchedReferencesAreNotFound) {
  JobTable table(db());
  int64_t other = MakeWorkspace("other");
  EXPECT_EQ(table.Create(JobKind::kIngest, 999, std::nullopt).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(table.Create(JobKind::kIngest, workspace_, 999).status().code(),
            StatusCode::kNotFound);
  auto mismatched = table.Create(JobKind::kIngest, other, document_);
  EXPECT_EQ(mismatched.status().code(), StatusCode::kNotFound);
  EXPECT_NE(mismatched.status().message().find("document"), std::string::npos);
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(table.Get(5).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.SetState(5, JobState::kRunning).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.UpdateProgress(5, {}).code(), StatusCode::kNotFound);
}

TEST_F(JobTableTest, LifecycleRecordsStartAndFinish) {
  JobTable table(db());
  auto id = table.Create(JobKind::kIngest, workspace_, document_);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(table.SetState(*id, JobState::kRunning).ok());
  auto running = table.Get(*id);
  ASSERT_TRUE(running.ok() && running->started_at_ms.has_value());
  EXPECT_FALSE(running->finished_at_ms.has_value());
  ASSERT_TRUE(table.UpdateProgress(*id, {.pages_done = 3, .chunks_total = 10, .chunks_done = 4})
                  .ok());
  ASSERT_TRUE(table.SetState(*id, JobState::kFailed, "embedder crashed").ok());
  auto failed = table.Get(*id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state, JobState::kFailed);
  EXPECT_EQ(failed->error, "embedder crashed");
  EXPECT_EQ(failed->progress.pages_done, 3);
  EXPECT_EQ(failed->progress.chunks_done, 4);
  EXPECT_EQ(failed->started_at_ms, running->started_at_ms);
  EXPECT_TRUE(failed->finished_at_ms.has_value());
}

TEST_F(JobTableTest, AnEndedJobNeverChangesState) {
  JobTable table(db());
  auto id = table.Create(JobKind::kIngest, workspace_, document_);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(table.SetState(*id, JobState::kCancelled).ok());
  Status again = table.SetState(*id, JobState::kRunning);
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("cancelled"), std::string::npos);
  EXPECT_EQ(table.Get(*id)->state, JobState::kCancelled);
}

TEST_F(JobTableTest, BadProgressAndErrorTextChangeNothing) {
  JobTable table(db());
  auto id = table.Create(JobKind::kIngest, workspace_, document_);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(table.UpdateProgress(*id, {.chunks_total = 2, .chunks_done = 3}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(table.UpdateProgress(*id, {.pages_done = -1}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.SetState(*id, JobState::kFailed, "a\0b"s).code(),
            StatusCode::kInvalidArgument);
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->state, JobState::kQueued);
  EXPECT_EQ(row->progress.chunks_done, 0);
}

TEST_F(JobTableTest, ListsUnfinishedAndByWorkspace) {
  JobTable table(db());
  int64_t other = MakeWorkspace("other");
  auto queued = table.Create(JobKind::kIngest, workspace_, document_);
  auto done = table.Create(JobKind::kReembed, workspace_, std::nullopt);
  auto running = table.Create(JobKind::kReembed, other, std::nullopt);
  ASSERT_TRUE(queued.ok() && done.ok() && running.ok());
  ASSERT_TRUE(table.SetState(*done, JobState::kDone).ok());
  ASSERT_TRUE(table.SetState(*running, JobState::kRunning).ok());
  auto unfinished = table.ListUnfinished();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 2u);
  EXPECT_EQ((*unfinished)[0].id, *queued);
  EXPECT_EQ((*unfinished)[1].id, *running);
  auto mine = table.ListByWorkspace(workspace_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, *done);  // newest first
}

TEST_F(JobTableTest, JobsGoWithTheirDocument) {
  JobTable table(db());
  ASSERT_TRUE(table.Create(JobKind::kIngest, workspace_, document_).ok());
  ASSERT_TRUE(DocumentTable(db()).Delete(document_).ok());
  EXPECT_EQ(Count(), 0);
}

}  // namespace
}  // namespace hearth
