// Reciprocal rank fusion: merges ranked lists of chunk ids from different
// retrievers ("vector", "lexical") into one ranking without comparing their
// scores, which live on different scales (cosine similarity, bm25).
//
// A chunk at 1-based rank r in a list earns 1 / (k + r); its fused score is
// the sum over the lists that hold it (Cormack et al., k = 60). A chunk found
// by both retrievers therefore outranks one found at the same ranks by one.
//
// Thread-safety: pure functions.
//
// Example:
//   const std::array<RankedList, 2> lists = {RankedList{"vector", {7, 3}},
//                                            RankedList{"lexical", {3, 9}}};
//   std::vector<FusedCandidate> fused = FuseRanks(lists);  // 3, then 7, then 9
#ifndef HEARTH_RAG_RANK_FUSION_H_
#define HEARTH_RAG_RANK_FUSION_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hearth {

inline constexpr double kReciprocalRankK = 60;

// One retriever's result, best first.
struct RankedList {
  std::string retriever;      // e.g. "vector", "lexical"
  std::vector<int64_t> ids;   // chunk ids; a repeated id counts at its first rank only
};

// Where one retriever ranked a chunk.
struct RetrieverRank {
  std::string retriever;
  int rank = 0;  // 1-based
  bool operator==(const RetrieverRank&) const = default;
};

struct FusedCandidate {
  int64_t chunk_id = 0;
  double score = 0;                     // sum of 1 / (k + rank)
  std::vector<RetrieverRank> found_by;  // in the order of the lists given
};

// The union of `lists`, best fused score first. Ties are broken by the best
// single rank, then by the smaller chunk id, so the order is deterministic.
// `k` must be >= 0 (smaller k favours the top ranks more).
std::vector<FusedCandidate> FuseRanks(std::span<const RankedList> lists,
                                      double k = kReciprocalRankK);

}  // namespace hearth

#endif  // HEARTH_RAG_RANK_FUSION_H_
