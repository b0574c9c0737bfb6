#include "rag/rank_fusion.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace hearth {
namespace {

int BestRank(const FusedCandidate& candidate) {
  int best = std::numeric_limits<int>::max();
  for (const RetrieverRank& found : candidate.found_by) best = std::min(best, found.rank);
  return best;
}

bool FusedBefore(const FusedCandidate& a, const FusedCandidate& b) {
  if (a.score != b.score) return a.score > b.score;
  const int rank_a = BestRank(a);
  const int rank_b = BestRank(b);
  if (rank_a != rank_b) return rank_a < rank_b;
  return a.chunk_id < b.chunk_id;
}

}  // namespace

std::vector<FusedCandidate> FuseRanks(std::span<const RankedList> lists, double k) {
  std::vector<FusedCandidate> fused;
  std::unordered_map<int64_t, size_t> position;  // chunk id -> index in fused
  for (const RankedList& list : lists) {
    std::unordered_set<int64_t> seen;
    int rank = 0;
    for (const int64_t id : list.ids) {
      if (!seen.insert(id).second) continue;
      ++rank;
      auto [it, added] = position.try_emplace(id, fused.size());
      if (added) fused.push_back({.chunk_id = id});
      FusedCandidate& candidate = fused[it->second];
      candidate.score += 1.0 / (k + rank);
      candidate.found_by.push_back({.retriever = list.retriever, .rank = rank});
    }
  }
  std::sort(fused.begin(), fused.end(), FusedBefore);
  return fused;
}

}  // namespace hearth
