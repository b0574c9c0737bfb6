#include "rag/rank_fusion.h"

#include <array>
#include <vector>

#include "gtest/gtest.h"

namespace hearth {
namespace {

std::vector<int64_t> Ids(const std::vector<FusedCandidate>& fused) {
  std::vector<int64_t> ids;
  for (const FusedCandidate& candidate : fused) ids.push_back(candidate.chunk_id);
  return ids;
}

TEST(RankFusionTest, ChunkFoundByBothOutranksChunksFoundByOne) {
  const std::array<RankedList, 2> lists = {RankedList{"vector", {7, 3, 5}},
                                           RankedList{"lexical", {9, 8, 3}}};
  const std::vector<FusedCandidate> fused = FuseRanks(lists);
  ASSERT_EQ(fused.size(), 5u);
  EXPECT_EQ(fused[0].chunk_id, 3);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 62 + 1.0 / 63);
  EXPECT_EQ(fused[0].found_by,
            (std::vector<RetrieverRank>{{"vector", 2}, {"lexical", 3}}));
  // 7 and 9 tie at 1/61: equal best rank, the smaller id first.
  EXPECT_EQ(Ids(fused), (std::vector<int64_t>{3, 7, 9, 8, 5}));
}

TEST(RankFusionTest, RepeatedIdCountsAtItsFirstRankOnly) {
  const std::array<RankedList, 1> lists = {RankedList{"lexical", {4, 4, 6}}};
  const std::vector<FusedCandidate> fused = FuseRanks(lists);
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_DOUBLE_EQ(fused[0].score, 1.0 / 61);
  EXPECT_EQ(fused[1].found_by, (std::vector<RetrieverRank>{{"lexical", 2}}));
}

TEST(RankFusionTest, SmallerKFavoursTopRanks) {
  // With k = 0, rank 1 in one list (1) beats ranks 3 and 3 in two (2/3).
  const std::array<RankedList, 2> lists = {RankedList{"vector", {1, 2, 3}},
                                           RankedList{"lexical", {4, 5, 3}}};
  EXPECT_EQ(FuseRanks(lists, 0).front().chunk_id, 1);
  EXPECT_EQ(FuseRanks(lists).front().chunk_id, 3);
}

TEST(RankFusionTest, EmptyListsFuseToNothing) {
  const std::array<RankedList, 2> lists = {RankedList{"vector", {}}, RankedList{"lexical", {}}};
  EXPECT_TRUE(FuseRanks(lists).empty());
  EXPECT_TRUE(FuseRanks({}).empty());
}

}  // namespace
}  // namespace hearth
