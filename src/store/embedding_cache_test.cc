#include "store/embedding_cache.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "store/store_test_database.h"

namespace hearth {
namespace {

class EmbeddingCacheTest : public StoreTest {
 protected:
  int64_t Count() { return QueryInt("SELECT count(*) FROM embeddings"); }
};

TEST_F(EmbeddingCacheTest, StoredVectorsComeBackExactly) {
  EmbeddingCache cache(db());
  std::vector<CachedEmbedding> entries = {{"h1", {1.0f, -0.5f, 3.25e-7f}}, {"h2", {0.0f}}};
  ASSERT_TRUE(cache.Store("embed-a", entries).ok());
  std::vector<std::string> hashes = {"h1", "missing", "h2"};
  auto found = cache.Lookup("embed-a", hashes);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ(found->at("h1"), entries[0].vector);
  EXPECT_EQ(found->at("h2"), entries[1].vector);
  EXPECT_FALSE(found->contains("missing"));
}

TEST_F(EmbeddingCacheTest, DimensionsComeFromAStoredVectorOfThatEmbedder) {
  EmbeddingCache cache(db());
  auto none = cache.Dimensions("embed-a");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  std::vector<CachedEmbedding> entries = {{"h", {1.0f, 2.0f, 3.0f}}};
  ASSERT_TRUE(cache.Store("embed-a", entries).ok());
  EXPECT_EQ(cache.Dimensions("embed-a")->value_or(0), 3u);
  EXPECT_FALSE(cache.Dimensions("embed-b")->has_value());
}

TEST_F(EmbeddingCacheTest, VectorsAreFloat32LittleEndian) {
  EmbeddingCache cache(db());
  std::vector<CachedEmbedding> entries = {{"h", {1.0f, 2.0f}}};
  ASSERT_TRUE(cache.Store("embed-a", entries).ok());
  auto stmt = db().Prepare("SELECT hex(vector), dimensions FROM embeddings");
  ASSERT_TRUE(stmt.ok() && *stmt->Step());
  EXPECT_EQ(stmt->ColumnText(0), "0000803F00000040");
  EXPECT_EQ(stmt->ColumnInt(1), 2);
}

TEST_F(EmbeddingCacheTest, EmbeddersAreSeparateAndStoreReplaces) {
  EmbeddingCache cache(db());
  std::vector<CachedEmbedding> first = {{"h", {1.0f}}};
  std::vector<CachedEmbedding> second = {{"h", {2.0f, 3.0f}}};
  ASSERT_TRUE(cache.Store("embed-a", first).ok());
  std::vector<std::string> hashes = {"h"};
  EXPECT_TRUE(cache.Lookup("embed-b", hashes)->empty());
  ASSERT_TRUE(cache.Store("embed-a", second).ok());
  EXPECT_EQ(cache.Lookup("embed-a", hashes)->at("h"), second[0].vector);
  EXPECT_EQ(Count(), 1);
}

TEST_F(EmbeddingCacheTest, BadEntriesFailTheWholeBatch) {
  EmbeddingCache cache(db());
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  for (const CachedEmbedding& bad : {CachedEmbedding{"h2", {}}, CachedEmbedding{"", {1.0f}},
                                     CachedEmbedding{"h2", {nan}}, CachedEmbedding{"h2", {inf}},
                                     CachedEmbedding{std::string("h\0", 2), {1.0f}}}) {
    std::vector<CachedEmbedding> entries = {{"h1", {1.0f}}, bad};
    Status stored = cache.Store("embed-a", entries);
    EXPECT_EQ(stored.code(), StatusCode::kInvalidArgument) << stored;
  }
  std::vector<CachedEmbedding> fine = {{"h1", {1.0f}}};
  EXPECT_EQ(cache.Store("", fine).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Count(), 0);
}

}  // namespace
}  // namespace hearth
