#include "app/query_embedding_cache.h"

#include <vector>

#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(QueryEmbeddingCacheTest, KeysOnEmbedderAndQuery) {
  QueryEmbeddingCache cache(4);
  cache.Put("e1", "q", {1, 2});
  EXPECT_EQ(cache.Find("e1", "q"), (std::vector<float>{1, 2}));
  EXPECT_FALSE(cache.Find("e2", "q").has_value());
  EXPECT_FALSE(cache.Find("e1", "q ").has_value());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(QueryEmbeddingCacheTest, EvictsTheLeastRecentlyUsed) {
  QueryEmbeddingCache cache(2);
  cache.Put("e", "a", {1});
  cache.Put("e", "b", {2});
  ASSERT_TRUE(cache.Find("e", "a").has_value());  // b is now the oldest
  cache.Put("e", "c", {3});
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Find("e", "a").has_value());
  EXPECT_FALSE(cache.Find("e", "b").has_value());
  EXPECT_TRUE(cache.Find("e", "c").has_value());
  cache.Put("e", "c", {4});  // a refresh replaces, not duplicates
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Find("e", "c"), (std::vector<float>{4}));
}

TEST(QueryEmbeddingCacheTest, ZeroCapacityKeepsNothing) {
  QueryEmbeddingCache cache(0);
  cache.Put("e", "a", {1});
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Find("e", "a").has_value());
}

}  // namespace
}  // namespace hearth
