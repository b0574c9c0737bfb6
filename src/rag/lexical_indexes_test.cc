#include "rag/lexical_indexes.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "store/index_change_log.h"
#include "store/store_test_database.h"

namespace hearth {
namespace {

class LexicalIndexesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
  }

  std::filesystem::path IndexDir() const { return path().parent_path() / "index"; }

  std::unique_ptr<LexicalIndexes> NewIndexes() {
    const DatabaseOptions options{.path = path()};
    return std::make_unique<LexicalIndexes>(LexicalIndexesOptions{.dir = IndexDir()},
                                            [options] { return Database::Open(options); });
  }

  // Commits a document whose chunks have `texts`, as ingestion does.
  std::vector<int64_t> AddDocument(char digit, const std::vector<std::string>& texts,
                                   int64_t workspace = 0) {
    const int64_t document = MakeDocument(workspace == 0 ? workspace_ : workspace, digit);
    std::vector<ChunkRow> rows;
    for (size_t i = 0; i < texts.size(); ++i) rows.push_back(Chunk(static_cast<int64_t>(i), texts[i]));
    auto ids = ChunkTable(db()).InsertBatch(document, rows);
    EXPECT_TRUE(ids.ok()) << ids.status();
    documents_[digit] = document;
    return ids.ok() ? *ids : std::vector<int64_t>{};
  }

  std::vector<int64_t> Found(LexicalIndexes& indexes, const std::string& query) {
    auto hits = indexes.Search(workspace_, query, 50);
    EXPECT_TRUE(hits.ok()) << hits.status();
    std::vector<int64_t> ids;
    if (hits.ok()) {
      for (const LexicalHit& hit : *hits) ids.push_back(hit.chunk_id);
    }
    return ids;
  }

  std::vector<int64_t> AllChunkIds() { return *ChunkTable(db()).ListIdsByWorkspace(workspace_); }

  int64_t workspace_ = 0;
  std::map<char, int64_t> documents_;
};

TEST_F(LexicalIndexesTest, SearchSeesEveryCommittedInsertAndDelete) {
  auto indexes = NewIndexes();
  EXPECT_TRUE(Found(*indexes, "anything").empty());
  EXPECT_EQ(indexes->OriginOf(workspace_), LexicalOrigin::kCreated);
  const std::vector<int64_t> first = AddDocument('a', {"the quarterly tax report", "holiday plans"});
  EXPECT_EQ(Found(*indexes, "taxes"), (std::vector<int64_t>{first[0]}));
  const std::vector<int64_t> second = AddDocument('b', {"tax deductions for 2024"});
  EXPECT_EQ(Found(*indexes, "tax deductions"), (std::vector<int64_t>{second[0], first[0]}));
  ASSERT_TRUE(ChunkTable(db()).DeleteByDocument(documents_['b']).ok());
  EXPECT_EQ(Found(*indexes, "tax deductions"), (std::vector<int64_t>{first[0]}));
  EXPECT_EQ(*indexes->Keys(workspace_), AllChunkIds());
  // Other workspaces are separate.
  const int64_t other = MakeWorkspace("other");
  AddDocument('c', {"tax elsewhere"}, other);
  EXPECT_EQ(Found(*indexes, "elsewhere"), std::vector<int64_t>{});
  EXPECT_EQ(indexes->Search(other, "elsewhere", 5)->size(), 1u);
  EXPECT_EQ(indexes->Search(workspace_, "tax", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LexicalIndexesTest, ASavedIndexIsLoadedAndCaughtUpAfterACrash) {
  AddDocument('a', {"alpha one", "alpha two"});
  {
    auto indexes = NewIndexes();
    ASSERT_TRUE(indexes->CatchUp(workspace_).ok());
    EXPECT_EQ(indexes->OriginOf(workspace_), LexicalOrigin::kRebuilt);
    ASSERT_TRUE(indexes->SaveAll().ok());
    EXPECT_TRUE(std::filesystem::exists(indexes->PathOf(workspace_)));
  }
  {
    auto indexes = NewIndexes();
    EXPECT_EQ(Found(*indexes, "alpha").size(), 2u);
    EXPECT_EQ(indexes->OriginOf(workspace_), LexicalOrigin::kLoaded);
    // Work after the save that is never saved: as if killed with -9.
    AddDocument('b', {"alpha three", "beta"});
    ASSERT_TRUE(ChunkTable(db()).DeleteByDocument(documents_['a']).ok());
    EXPECT_EQ(Found(*indexes, "alpha").size(), 1u);
  }
  auto indexes = NewIndexes();
  EXPECT_EQ(Found(*indexes, "alpha").size(), 1u);
  EXPECT_EQ(indexes->OriginOf(workspace_), LexicalOrigin::kCaughtUp);
  EXPECT_EQ(*indexes->Keys(workspace_), AllChunkIds());
  EXPECT_GT(indexes->MemoryBytes(workspace_), 0u);
}

TEST_F(LexicalIndexesTest, CorruptOrAheadFilesAreRebuiltFromTheDatabase) {
  const std::vector<int64_t> ids = AddDocument('a', {"gamma ray", "delta wing"});
  auto indexes = NewIndexes();
  ASSERT_TRUE(indexes->CatchUp(workspace_).ok());
  ASSERT_TRUE(indexes->SaveAll().ok());
  const std::filesystem::path file = indexes->PathOf(workspace_);
  {
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekp(70);
    bytes.put('\x7f');
  }
  auto reopened = NewIndexes();
  EXPECT_EQ(Found(*reopened, "gamma"), (std::vector<int64_t>{ids[0]}));
  EXPECT_EQ(reopened->OriginOf(workspace_), LexicalOrigin::kRebuilt);
  ASSERT_TRUE(reopened->SaveAll().ok());
  // A file ahead of the database (an older database restored under it).
  const int64_t latest = *IndexChangeLog(db()).LatestSequence(workspace_, kLexicalStream);
  LexicalIndex ahead;
  ASSERT_TRUE(ahead.Add(999, "", "phantom").ok());
  ASSERT_TRUE(ahead.Save(file, latest + 10).ok());
  auto restored = NewIndexes();
  EXPECT_TRUE(Found(*restored, "phantom").empty());
  EXPECT_EQ(restored->OriginOf(workspace_), LexicalOrigin::kRebuilt);
  EXPECT_EQ(*restored->Keys(workspace_), AllChunkIds());
  // Truncated to nothing.
  std::ofstream(file, std::ios::trunc).close();
  auto truncated = NewIndexes();
  EXPECT_EQ(*truncated->Keys(workspace_), AllChunkIds());
  EXPECT_EQ(truncated->OriginOf(workspace_), LexicalOrigin::kRebuilt);
}

TEST_F(LexicalIndexesTest, DropWorkspaceForgetsTheIndexAndItsFile) {
  AddDocument('a', {"epsilon"});
  auto indexes = NewIndexes();
  ASSERT_TRUE(indexes->CatchUp(workspace_).ok());
  ASSERT_TRUE(indexes->SaveAll().ok());
  ASSERT_TRUE(indexes->DropWorkspace(workspace_).ok());
  EXPECT_FALSE(std::filesystem::exists(indexes->PathOf(workspace_)));
  EXPECT_EQ(indexes->OriginOf(workspace_), std::nullopt);
  EXPECT_TRUE(indexes->DropWorkspace(12345).ok());  // nothing there
}

// Searches score outside the indexes' mutex: several at once, while chunks
// are committed, the index is saved, and the workspace's index is dropped
// and rebuilt under them. Each search still sees a consistent index: never
// fewer chunks than it saw before, never more than were committed. (The race itself
// is what the TSan build checks.)
TEST_F(LexicalIndexesTest, SearchesRunBesideOneAnotherAndBesideChanges) {
  auto indexes = NewIndexes();
  std::atomic<bool> writing{true};
  std::atomic<int> inconsistent{0};
  std::atomic<int> searches{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      size_t seen = 0;
      while (writing.load()) {
        auto hits = indexes->Search(workspace_, "shared words", 100);
        ++searches;
        if (!hits.ok() || hits->size() < seen || hits->size() > 64) {
          ++inconsistent;
          continue;
        }
        seen = hits->size();
      }
    });
  }
  for (char digit : std::string("0123456789abcdef")) {
    AddDocument(digit, {"shared words one", "shared words two", "shared three", "words four"});
    // EXPECT, not ASSERT: returning would leave the readers running.
    if (digit == '7') {
      EXPECT_TRUE(indexes->DropWorkspace(workspace_).ok());
    }
    if (digit == 'b') {
      EXPECT_TRUE(indexes->SaveAll().ok());
    }
  }
  // Let the readers search the finished index too.
  const int before = searches.load();
  while (searches.load() < before + 6) std::this_thread::yield();
  writing = false;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(inconsistent.load(), 0);
  std::vector<int64_t> found = Found(*indexes, "shared words");
  EXPECT_EQ(found.size(), 50u);
  auto all = indexes->Search(workspace_, "shared words", 100);
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<int64_t> ids;
  for (const LexicalHit& hit : *all) ids.push_back(hit.chunk_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, AllChunkIds());
}

}  // namespace
}  // namespace hearth
