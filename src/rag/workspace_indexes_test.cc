#include "rag/workspace_indexes.h"

#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/embedding_cache.h"
#include "store/index_change_log.h"
#include "store/store_test_database.h"

namespace hearth {
namespace {

constexpr size_t kDimensions = 32;
constexpr char kEmbedder[] = "sha256-embedder";

std::vector<float> RandomUnitVector(std::mt19937& random) {
  std::normal_distribution<float> normal;
  std::vector<float> vector(kDimensions);
  float norm = 0;
  for (float& value : vector) {
    value = normal(random);
    norm += value * value;
  }
  for (float& value : vector) value /= std::sqrt(norm);
  return vector;
}

class WorkspaceIndexesTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
    key_ = {.workspace_id = workspace_, .embedder_id = kEmbedder};
  }

  WorkspaceIndexes NewIndexes() {
    const DatabaseOptions options{.path = path()};
    return WorkspaceIndexes({.dir = path().parent_path() / "index"},
                            [options] { return Database::Open(options); });
  }

  // Commits a document of `count` chunks with vectors, as ingestion does, and
  // returns the chunk ids and the last change sequence.
  std::pair<std::vector<int64_t>, int64_t> AddDocument(char digit, int count) {
    const int64_t document = MakeDocument(workspace_, digit);
    std::vector<ChunkRow> rows;
    std::vector<CachedEmbedding> cached;
    for (int i = 0; i < count; ++i) {
      const std::string hash = std::string(1, digit) + "-" + std::to_string(i);
      rows.push_back({.ordinal = i, .text = "chunk " + hash, .content_hash = hash});
      cached.push_back({.content_hash = hash, .vector = RandomUnitVector(random_)});
    }
    EXPECT_TRUE(EmbeddingCache(db()).Store(kEmbedder, cached).ok());
    auto ids = ChunkTable(db()).InsertBatch(document, rows);
    EXPECT_TRUE(ids.ok()) << ids.status();
    auto sequence = IndexChangeLog(db()).AppendAdds(workspace_, kEmbedder, *ids);
    EXPECT_TRUE(sequence.ok()) << sequence.status();
    documents_.push_back(document);
    for (auto& entry : cached) vectors_.push_back(entry.vector);
    return {*ids, *sequence};
  }

  std::vector<std::vector<IndexHit>> SearchAll(WorkspaceIndexes& indexes) {
    std::vector<std::vector<IndexHit>> results;
    for (size_t i = 0; i < vectors_.size(); i += 7) {
      auto hits = indexes.Search(key_, vectors_[i], 5);
      EXPECT_TRUE(hits.ok()) << hits.status();
      results.push_back(hits.ok() ? *hits : std::vector<IndexHit>{});
    }
    return results;
  }

  static std::vector<int64_t> Ids(const std::vector<std::vector<IndexHit>>& results) {
    std::vector<int64_t> ids;
    for (const auto& hits : results) {
      for (const IndexHit& hit : hits) ids.push_back(hit.chunk_id);
    }
    return ids;
  }

  std::mt19937 random_{7};
  int64_t workspace_ = 0;
  IndexKey key_;
  std::vector<int64_t> documents_;
  std::vector<std::vector<float>> vectors_;
};

TEST_F(WorkspaceIndexesTest, ACorruptIndexFileIsRebuiltAndAnswersTheSame) {
  AddDocument('a', 120);
  std::vector<std::vector<IndexHit>> before;
  std::filesystem::path file;
  {
    WorkspaceIndexes indexes = NewIndexes();
    before = SearchAll(indexes);
    ASSERT_EQ(indexes.OriginOf(key_), IndexOrigin::kRebuilt);
    ASSERT_TRUE(indexes.SaveAll().ok());
    file = indexes.PathOf(key_);
  }
  {
    WorkspaceIndexes reopened = NewIndexes();
    EXPECT_EQ(Ids(SearchAll(reopened)), Ids(before));
    EXPECT_EQ(reopened.OriginOf(key_), IndexOrigin::kLoaded);
  }
  // Flip one byte in the middle of the saved file.
  std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
  bytes.seekg(static_cast<std::streamoff>(std::filesystem::file_size(file) / 2));
  char byte = 0;
  bytes.read(&byte, 1);
  bytes.seekp(static_cast<std::streamoff>(std::filesystem::file_size(file) / 2));
  byte = static_cast<char>(byte ^ 0x5a);
  bytes.write(&byte, 1);
  bytes.close();
  WorkspaceIndexes repaired = NewIndexes();
  EXPECT_EQ(Ids(SearchAll(repaired)), Ids(before));
  EXPECT_EQ(repaired.OriginOf(key_), IndexOrigin::kRebuilt);
}

TEST_F(WorkspaceIndexesTest, AStaleFileCatchesUpWithAddsAndDeletesFromTheLog) {
  auto [first_ids, first_sequence] = AddDocument('a', 40);
  {
    WorkspaceIndexes indexes = NewIndexes();
    ASSERT_TRUE(indexes.CatchUp(key_).ok());
    ASSERT_TRUE(indexes.SaveAll().ok());
  }
  // Committed after the save, as a crash before the next save would leave it.
  auto [second_ids, second_sequence] = AddDocument('b', 30);
  ASSERT_TRUE(DocumentTable(db()).Delete(documents_.front()).ok());
  WorkspaceIndexes reopened = NewIndexes();
  auto keys = reopened.Keys(key_);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, second_ids);
  EXPECT_EQ(reopened.OriginOf(key_), IndexOrigin::kCaughtUp);
}

TEST_F(WorkspaceIndexesTest, AddsInOrderGoStraightInAndAGapIsFilledFromTheLog) {
  WorkspaceIndexes indexes = NewIndexes();
  auto [ids, sequence] = AddDocument('a', 10);
  std::vector<std::vector<float>> vectors(vectors_.begin(), vectors_.end());
  ASSERT_TRUE(indexes.Add(key_, ids, vectors, sequence).ok());
  // A batch committed by another worker that was never Add()ed here...
  auto [skipped, skipped_sequence] = AddDocument('b', 5);
  // ...is found in the log when the next one arrives.
  auto [next, next_sequence] = AddDocument('c', 5);
  std::vector<std::vector<float>> next_vectors(vectors_.end() - 5, vectors_.end());
  ASSERT_TRUE(indexes.Add(key_, next, next_vectors, next_sequence).ok());
  auto keys = indexes.Keys(key_);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 20u);
}

TEST_F(WorkspaceIndexesTest, MismatchedInputIsRefused) {
  WorkspaceIndexes indexes = NewIndexes();
  std::vector<int64_t> ids = {1, 2};
  std::vector<std::vector<float>> one = {std::vector<float>(kDimensions, 0.1f)};
  EXPECT_EQ(indexes.Add(key_, ids, one, 2).code(), StatusCode::kInvalidArgument);
}

TEST_F(WorkspaceIndexesTest, DroppingOneIndexDeletesItsFileAndKeepsTheOthers) {
  auto [ids, sequence] = AddDocument('a', 10);
  // The same chunks embedded by a second embedder, as a reembed does.
  const IndexKey other{.workspace_id = workspace_, .embedder_id = "sha256-other"};
  std::vector<CachedEmbedding> cached;
  for (int i = 0; i < 10; ++i) {
    cached.push_back({.content_hash = "a-" + std::to_string(i),
                      .vector = vectors_[static_cast<size_t>(i)]});
  }
  ASSERT_TRUE(EmbeddingCache(db()).Store(other.embedder_id, cached).ok());
  ASSERT_TRUE(IndexChangeLog(db()).AppendAdds(workspace_, other.embedder_id, ids).ok());
  WorkspaceIndexes indexes = NewIndexes();
  ASSERT_TRUE(indexes.CatchUp(key_).ok());
  ASSERT_TRUE(indexes.CatchUp(other).ok());
  ASSERT_TRUE(indexes.SaveAll().ok());
  ASSERT_TRUE(std::filesystem::exists(indexes.PathOf(other)));

  ASSERT_TRUE(indexes.Drop(key_).ok());
  EXPECT_FALSE(std::filesystem::exists(indexes.PathOf(key_)));
  EXPECT_FALSE(indexes.OriginOf(key_).has_value());
  ASSERT_TRUE(indexes.SaveAll().ok());  // a forgotten index is not saved again
  EXPECT_FALSE(std::filesystem::exists(indexes.PathOf(key_)));
  EXPECT_TRUE(std::filesystem::exists(indexes.PathOf(other)));
  EXPECT_EQ(*indexes.Keys(other), ids);
  // Nothing open and nothing on disk: still fine.
  EXPECT_TRUE(indexes.Drop({.workspace_id = workspace_, .embedder_id = "sha256-never"}).ok());
}

TEST_F(WorkspaceIndexesTest, DroppingAWorkspaceDeletesItsFiles) {
  AddDocument('a', 10);
  WorkspaceIndexes indexes = NewIndexes();
  ASSERT_TRUE(indexes.CatchUp(key_).ok());
  ASSERT_TRUE(indexes.SaveAll().ok());
  ASSERT_TRUE(std::filesystem::exists(indexes.PathOf(key_)));
  ASSERT_TRUE(indexes.DropWorkspace(workspace_).ok());
  EXPECT_FALSE(std::filesystem::exists(indexes.PathOf(key_)));
}

}  // namespace
}  // namespace hearth
