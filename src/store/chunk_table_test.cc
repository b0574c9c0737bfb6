#include "store/chunk_table.h"

#include <string>
#include <vector>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class ChunkTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
    document_ = MakeDocument(workspace_, 'a');
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM chunks"); }
  int64_t FtsCount() { return QueryInt("SELECT count(*) FROM chunks_fts"); }

  int64_t workspace_ = 0;
  int64_t document_ = 0;
};

TEST_F(ChunkTableTest, InsertBatchReturnsIdsInOrderAndListReadsThemBack) {
  ChunkTable table(db());
  auto ids = table.InsertBatch(document_, {Chunk(0, "first", "Intro"), Chunk(1, "second")});
  ASSERT_TRUE(ids.ok()) << ids.status();
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  auto rows = table.ListByDocument(document_);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, (*ids)[0]);
  EXPECT_EQ((*rows)[0].document_id, document_);
  EXPECT_EQ((*rows)[0].text, "first");
  EXPECT_EQ((*rows)[0].heading_path, "Intro");
  EXPECT_EQ((*rows)[0].content_hash, "hash-first");
  EXPECT_EQ((*rows)[1].ordinal, 1);
  EXPECT_EQ(*table.CountByDocument(document_), 2);
}

TEST_F(ChunkTableTest, MaxOrdinalIsMinusOneThenTheHighestCommitted) {
  ChunkTable table(db());
  EXPECT_EQ(*table.MaxOrdinal(document_), -1);
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(0, "a"), Chunk(1, "b")}).ok());
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(2, "c")}).ok());
  EXPECT_EQ(*table.MaxOrdinal(document_), 2);
  EXPECT_EQ(*table.CountByDocument(999), 0);
}

TEST_F(ChunkTableTest, DeleteByDocumentRemovesOnlyThatDocumentsChunksAndLogsRemovals) {
  ChunkTable table(db());
  const int64_t other = MakeDocument(workspace_, 'b');
  auto ids = table.InsertBatch(document_, {Chunk(0, "a"), Chunk(1, "b")});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(table.InsertBatch(other, {Chunk(0, "c")}).ok());
  ASSERT_TRUE(db().Execute("INSERT INTO index_changes (workspace_id, embedder, chunk_id, op) "
                           "VALUES (" + std::to_string(workspace_) + ", 'e', " +
                           std::to_string((*ids)[0]) + ", 'add')").ok());
  auto deleted = table.DeleteByDocument(document_);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_EQ(*table.CountByDocument(document_), 0);
  EXPECT_EQ(*table.CountByDocument(other), 1);
  EXPECT_EQ(FtsCount(), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM index_changes WHERE op = 'remove' AND embedder = 'e'"),
            1);
  EXPECT_EQ(*table.MaxOrdinal(document_), -1);
  EXPECT_EQ(*table.DeleteByDocument(document_), 0);
}

TEST_F(ChunkTableTest, ListIdsByWorkspaceCoversEveryDocumentOfThatWorkspaceOnly) {
  ChunkTable table(db());
  const int64_t second = MakeDocument(workspace_, 'b');
  const int64_t elsewhere = MakeDocument(MakeWorkspace("other"), 'c');
  auto first_ids = table.InsertBatch(document_, {Chunk(0, "a"), Chunk(1, "b")});
  auto second_ids = table.InsertBatch(second, {Chunk(0, "c")});
  ASSERT_TRUE(first_ids.ok() && second_ids.ok());
  ASSERT_TRUE(table.InsertBatch(elsewhere, {Chunk(0, "d")}).ok());
  auto ids = table.ListIdsByWorkspace(workspace_);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<int64_t>{(*first_ids)[0], (*first_ids)[1], (*second_ids)[0]}));
  EXPECT_TRUE(table.ListIdsByWorkspace(12345)->empty());
}

TEST_F(ChunkTableTest, CheckFtsFindsAMissingFtsRowAndRebuildRepairsIt) {
  ChunkTable table(db());
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(0, "alpha"), Chunk(1, "beta")}).ok());
  EXPECT_TRUE(table.CheckFts().ok());
  // Damage the derived index behind the triggers' back.
  auto id = QueryInt("SELECT min(id) FROM chunks");
  ASSERT_TRUE(db().Execute("INSERT INTO chunks_fts (chunks_fts, rowid, text, embed_prefix) "
                           "VALUES ('delete', " + std::to_string(id) + ", 'alpha', '')").ok());
  Status damaged = table.CheckFts();
  EXPECT_EQ(damaged.code(), StatusCode::kInternal) << damaged;
  ASSERT_TRUE(table.RebuildFts().ok());
  EXPECT_TRUE(table.CheckFts().ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(ChunkTableTest, GetByIdsKeepsTheRequestedOrderAndSkipsUnknownIds) {
  ChunkTable table(db());
  auto ids = table.InsertBatch(document_, {Chunk(0, "a"), Chunk(1, "b")});
  ASSERT_TRUE(ids.ok());
  std::vector<int64_t> wanted = {(*ids)[1], 9999, (*ids)[0]};
  auto rows = table.GetByIds(wanted);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].text, "b");
  EXPECT_EQ((*rows)[1].text, "a");
}

TEST_F(ChunkTableTest, DuplicateOrdinalFailsTheWholeBatch) {
  ChunkTable table(db());
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(0, "a")}).ok());
  auto ids = table.InsertBatch(document_, {Chunk(1, "b"), Chunk(0, "again")});
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(ids.status().message().find("ordinal 0"), std::string::npos);
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(FtsCount(), 1);
  EXPECT_FALSE(db().InTransaction());
}

TEST_F(ChunkTableTest, BadRowsAreRejectedAndNothingIsWritten) {
  ChunkTable table(db());
  ChunkRow nul = Chunk(1, "a\0b"s);
  ChunkRow empty = Chunk(1, "");
  ChunkRow no_hash = Chunk(1, "x");
  no_hash.content_hash.clear();
  ChunkRow pages = Chunk(1, "x");
  pages.page_first = 5;
  pages.page_last = 2;
  ChunkRow bad_utf8 = Chunk(1, "\xc3(");
  for (const ChunkRow& bad : {nul, empty, no_hash, pages, bad_utf8}) {
    auto ids = table.InsertBatch(document_, {Chunk(0, "fine"), bad});
    ASSERT_FALSE(ids.ok());
    EXPECT_EQ(ids.status().code(), StatusCode::kInvalidArgument) << ids.status();
    EXPECT_NE(ids.status().message().find("chunk 1"), std::string::npos) << ids.status();
  }
  EXPECT_EQ(Count(), 0);
}

TEST_F(ChunkTableTest, UnknownDocumentIsNotFound) {
  ChunkTable table(db());
  auto ids = table.InsertBatch(999, {Chunk(0, "a")});
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), StatusCode::kNotFound);
  EXPECT_NE(ids.status().message().find("document 999"), std::string::npos);
  EXPECT_EQ(Count(), 0);
}

TEST_F(ChunkTableTest, SearchFindsAndRanksWithinTheWorkspace) {
  ChunkTable table(db());
  int64_t other_workspace = MakeWorkspace("other");
  int64_t elsewhere = MakeDocument(other_workspace, 'b');
  auto ids = table.InsertBatch(
      document_, {Chunk(0, "the walrus eats clams"), Chunk(1, "walrus walrus walrus clams"),
                  Chunk(2, "nothing to see")});
  ASSERT_TRUE(ids.ok());
  ASSERT_TRUE(table.InsertBatch(elsewhere, {Chunk(0, "walrus from elsewhere")}).ok());
  auto hits = table.SearchFts(workspace_, "Walrus", 10);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].chunk_id, (*ids)[1]);
  EXPECT_GT((*hits)[0].score, (*hits)[1].score);
  auto limited = table.SearchFts(workspace_, "walrus", 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

TEST_F(ChunkTableTest, SearchMatchesThePrefixAndIgnoresDiacritics) {
  ChunkTable table(db());
  ChunkRow chunk = Chunk(0, "body text", "Café menu");
  chunk.embed_prefix = "Bistro › Café menu\n\n";
  auto ids = table.InsertBatch(document_, {chunk});
  ASSERT_TRUE(ids.ok());
  for (const char* query : {"cafe", "bistro"}) {
    auto hits = table.SearchFts(workspace_, query, 10);
    ASSERT_TRUE(hits.ok());
    ASSERT_EQ(hits->size(), 1u) << query;
    EXPECT_EQ((*hits)[0].chunk_id, (*ids)[0]);
  }
  auto rows = table.ListByDocument(document_);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].embed_prefix, "Bistro › Café menu\n\n");
}

TEST_F(ChunkTableTest, SearchStemsEnglishWords) {
  ChunkTable table(db());
  auto ids = table.InsertBatch(document_, {Chunk(0, "the walruses were swimming")});
  ASSERT_TRUE(ids.ok());
  auto hits = table.SearchFts(workspace_, "swims", 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
}

TEST_F(ChunkTableTest, ListIdsByWorkspaceAfterWalksInPages) {
  ChunkTable table(db());
  auto ids = table.InsertBatch(document_, {Chunk(0, "a"), Chunk(1, "b"), Chunk(2, "c")});
  ASSERT_TRUE(ids.ok());
  auto first = table.ListIdsByWorkspaceAfter(workspace_, 0, 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, std::vector<int64_t>({(*ids)[0], (*ids)[1]}));
  auto rest = table.ListIdsByWorkspaceAfter(workspace_, first->back(), 2);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, std::vector<int64_t>({(*ids)[2]}));
  auto other = table.ListIdsByWorkspaceAfter(workspace_ + 1, 0, 10);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_F(ChunkTableTest, SearchSkipsDocumentsThatAreNotReady) {
  ChunkTable table(db());
  int64_t pending = MakeDocument(workspace_, 'c', DocumentStatus::kEmbedding);
  ASSERT_TRUE(table.InsertBatch(pending, {Chunk(0, "walrus pending")}).ok());
  auto hits = table.SearchFts(workspace_, "walrus", 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
}

TEST_F(ChunkTableTest, QueryTextIsNeverParsedAsFtsSyntax) {
  ChunkTable table(db());
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(0, "and or not near walrus")}).ok());
  for (const std::string& query :
       {"\"AND OR ("s, "walrus*"s, "NEAR(walrus"s, "\"\"\""s, "-walrus"s, "^walrus"s,
        "walrus:"s, "text:walrus"s, "wal\0rus"s, "{walrus}"s, "AND"s}) {
    auto hits = table.SearchFts(workspace_, query, 10);
    ASSERT_TRUE(hits.ok()) << query << ": " << hits.status();
  }
  EXPECT_EQ(table.SearchFts(workspace_, "\"AND OR (", 10)->size(), 1u);
  EXPECT_EQ(table.SearchFts(workspace_, "walrus*", 10)->size(), 1u);
}

TEST_F(ChunkTableTest, EmptyOrPunctuationQueriesFindNothing) {
  ChunkTable table(db());
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(0, "walrus")}).ok());
  for (const std::string& query : {""s, "   "s, "()*\"-:^"s, "\0\0"s, "“”—"s}) {
    auto hits = table.SearchFts(workspace_, query, 10);
    ASSERT_TRUE(hits.ok()) << hits.status();
    EXPECT_TRUE(hits->empty());
  }
}

TEST_F(ChunkTableTest, BadLimitIsInvalidArgument) {
  ChunkTable table(db());
  EXPECT_EQ(table.SearchFts(workspace_, "walrus", 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(ChunkTableTest, MatchExpressionQuotesEachWord) {
  EXPECT_EQ(FtsMatchExpression("tax NEAR (2024*"), "\"tax\" OR \"NEAR\" OR \"2024\"");
  EXPECT_EQ(FtsMatchExpression("café—menu"), "\"café—menu\"");
  EXPECT_EQ(FtsMatchExpression("?!"), "");
}

TEST_F(ChunkTableTest, MatchExpressionDropsStopwordsUnlessNothingElseIsLeft) {
  EXPECT_EQ(FtsMatchExpression("The cost of THE tax AND (2024"),
            "\"cost\" OR \"tax\" OR \"2024\"");
  EXPECT_EQ(FtsMatchExpression("To be, or not to be"),
            "\"To\" OR \"be\" OR \"or\" OR \"not\" OR \"to\" OR \"be\"");
  EXPECT_EQ(FtsMatchExpression("theory another"), "\"theory\" OR \"another\"");
}

TEST_F(ChunkTableTest, StopwordsAloneDoNotMatchButAStopwordQueryStillFinds) {
  ChunkTable table(db());
  auto ids = table.InsertBatch(document_, {Chunk(0, "the walrus"), Chunk(1, "the cat is here"),
                                           Chunk(2, "to be or not to be")});
  ASSERT_TRUE(ids.ok()) << ids.status();
  auto hits = table.SearchFts(workspace_, "the walrus of the sea", 10);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].chunk_id, (*ids)[0]);
  hits = table.SearchFts(workspace_, "Not to be", 10);
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].chunk_id, (*ids)[2]);
}

TEST_F(ChunkTableTest, FtsFollowsUpdates) {
  ChunkTable table(db());
  ASSERT_TRUE(table.InsertBatch(document_, {Chunk(0, "walrus")}).ok());
  ASSERT_TRUE(db().Execute("UPDATE chunks SET text = 'narwhal'").ok());
  EXPECT_TRUE(table.SearchFts(workspace_, "walrus", 10)->empty());
  EXPECT_EQ(table.SearchFts(workspace_, "narwhal", 10)->size(), 1u);
}

TEST_F(ChunkTableTest, ChunkIdsAreNotReused) {
  ChunkTable table(db());
  auto first = table.InsertBatch(document_, {Chunk(0, "a")});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(DocumentTable(db()).Delete(document_).ok());
  int64_t again = MakeDocument(workspace_, 'a');
  auto second = table.InsertBatch(again, {Chunk(0, "a")});
  ASSERT_TRUE(second.ok());
  EXPECT_GT((*second)[0], (*first)[0]);
}

}  // namespace
}  // namespace hearth
