#include "store/index_change_log.h"

#include <vector>

#include "store/store_test_database.h"

namespace hearth {
namespace {

class IndexChangeLogTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
    document_ = MakeDocument(workspace_, 'a');
    auto ids = ChunkTable(db()).InsertBatch(document_, {Chunk(0, "a"), Chunk(1, "b")});
    ASSERT_TRUE(ids.ok());
    ids_ = *ids;
  }
  // Rows of the vector streams (the schema logs the lexical one itself).
  int64_t Count() {
    return QueryInt("SELECT count(*) FROM index_changes WHERE embedder != 'lexical'");
  }

  int64_t workspace_ = 0;
  int64_t document_ = 0;
  std::vector<int64_t> ids_;
};

TEST_F(IndexChangeLogTest, AppendAddsThenReplayFromAnySequence) {
  IndexChangeLog log(db());
  EXPECT_EQ(*log.LatestSequence(workspace_, "embed-a"), 0);
  auto latest = log.AppendAdds(workspace_, "embed-a", ids_);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(*log.LatestSequence(workspace_, "embed-a"), *latest);
  auto all = log.ChangesSince(workspace_, "embed-a", 0);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].chunk_id, ids_[0]);
  EXPECT_EQ((*all)[0].op, IndexOp::kAdd);
  EXPECT_EQ((*all)[1].seq, *latest);
  auto rest = log.ChangesSince(workspace_, "embed-a", (*all)[0].seq);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].chunk_id, ids_[1]);
  auto limited = log.ChangesSince(workspace_, "embed-a", 0, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

TEST_F(IndexChangeLogTest, LastAddedChunkIsTheGreatestAddedIdOfThatStreamOnly) {
  IndexChangeLog log(db());
  EXPECT_EQ(*log.LastAddedChunk(workspace_, "embed-a"), 0);
  auto more = ChunkTable(db()).InsertBatch(document_, {Chunk(2, "c")});
  ASSERT_TRUE(more.ok());
  // Added out of id order: the greatest id counts, not the latest row.
  std::vector<int64_t> added = {(*more)[0], ids_[0]};
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-a", added).ok());
  std::vector<int64_t> first = {ids_[0]};
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-b", first).ok());
  EXPECT_EQ(*log.LastAddedChunk(workspace_, "embed-a"), (*more)[0]);
  EXPECT_EQ(*log.LastAddedChunk(workspace_, "embed-b"), ids_[0]);
  EXPECT_EQ(*log.LastAddedChunk(MakeWorkspace("other"), "embed-a"), 0);
  // A deleted chunk keeps its place: ids are never reused, so a walk in id
  // order still resumes after it, and its 'remove' row does not count.
  ASSERT_TRUE(db().Execute("DELETE FROM chunks WHERE id = " + std::to_string((*more)[0])).ok());
  EXPECT_EQ(*log.LastAddedChunk(workspace_, "embed-a"), (*more)[0]);
  ASSERT_TRUE(db().Execute("DELETE FROM chunks").ok());
  EXPECT_EQ(*log.LastAddedChunk(workspace_, "embed-b"), ids_[0]);
}

TEST_F(IndexChangeLogTest, StreamsAreSeparatePerEmbedder) {
  IndexChangeLog log(db());
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-a", ids_).ok());
  EXPECT_TRUE(log.ChangesSince(workspace_, "embed-b", 0)->empty());
  EXPECT_EQ(*log.LatestSequence(workspace_, "embed-b"), 0);
}

TEST_F(IndexChangeLogTest, ChunkOutsideTheWorkspaceFailsTheWholeAppend) {
  IndexChangeLog log(db());
  int64_t other = MakeWorkspace("other");
  std::vector<int64_t> ids = {ids_[0], 9999};
  auto latest = log.AppendAdds(workspace_, "embed-a", ids);
  ASSERT_FALSE(latest.ok());
  EXPECT_EQ(latest.status().code(), StatusCode::kNotFound);
  EXPECT_NE(latest.status().message().find("chunk 9999"), std::string::npos);
  EXPECT_EQ(log.AppendAdds(other, "embed-a", ids_).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(log.AppendAdds(workspace_, "", ids_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
  EXPECT_FALSE(db().InTransaction());
}

TEST_F(IndexChangeLogTest, DeletedChunksAreRemovedFromEveryIndexTheyWereAddedTo) {
  IndexChangeLog log(db());
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-a", ids_).ok());
  std::vector<int64_t> first = {ids_[0]};
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-b", first).ok());
  ASSERT_TRUE(db().Execute("DELETE FROM chunks").ok());
  auto a = log.ChangesSince(workspace_, "embed-a", 0);
  auto b = log.ChangesSince(workspace_, "embed-b", 0);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 4u);
  EXPECT_EQ((*a)[2].op, IndexOp::kRemove);
  EXPECT_EQ((*a)[3].op, IndexOp::kRemove);
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[1].op, IndexOp::kRemove);
  EXPECT_EQ((*b)[1].chunk_id, ids_[0]);
}

TEST_F(IndexChangeLogTest, DeletingNeverIndexedChunksLogsNothing) {
  ASSERT_TRUE(db().Execute("DELETE FROM chunks").ok());
  EXPECT_EQ(Count(), 0);
}

TEST_F(IndexChangeLogTest, TheSchemaLogsEveryInsertAndDeleteForTheLexicalStream) {
  IndexChangeLog log(db());
  auto inserted = log.ChangesSince(workspace_, kLexicalStream, 0);
  ASSERT_TRUE(inserted.ok());
  ASSERT_EQ(inserted->size(), 2u);
  EXPECT_EQ((*inserted)[0].chunk_id, ids_[0]);
  EXPECT_EQ((*inserted)[1].op, IndexOp::kAdd);
  ASSERT_TRUE(db().Execute("DELETE FROM chunks WHERE id = " + std::to_string(ids_[1])).ok());
  auto after = log.ChangesSince(workspace_, kLexicalStream, (*inserted)[1].seq);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].op, IndexOp::kRemove);
  EXPECT_EQ((*after)[0].chunk_id, ids_[1]);
  EXPECT_TRUE(log.ChangesSince(MakeWorkspace("other"), kLexicalStream, 0)->empty());
}

TEST_F(IndexChangeLogTest, DeletingTheWorkspaceForgetsItsLog) {
  IndexChangeLog log(db());
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-a", ids_).ok());
  ASSERT_TRUE(WorkspaceTable(db()).Delete(workspace_).ok());
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM chunks"), 0);
}

}  // namespace
}  // namespace hearth
