// TopBm25: the k best documents of a lexical query without scoring every
// posting (internal to rag/lexical_index.cc).
//
// MaxScore (Turtle and Flood, 1995) with block-max bounds (Ding and Suel,
// 2011): terms are ordered by the most they can add to a score; once the k-th
// best score so far exceeds what the weakest terms can add together, those
// terms stop proposing candidates and are only looked up, block summaries
// first, for documents the strong terms propose. A candidate whose bound
// falls to the k-th score is dropped without decoding further blocks.
//
// The result equals scoring every document exhaustively: the same documents,
// the same scores (each the sum of its terms' parts in the order of
// `terms`), ordered by score, ties by the lower document first.
//
// A search may be split by document range into parts that run on several
// threads (TopBm25 over each DocRange, then MergeTop): the parts share a
// ScoreFloor, so each prunes with the best k-th score any part has reached,
// and the merged result equals one whole search.
//
// Thread-safety: TopBm25 is a pure function over borrowed, unchanging data;
// a ScoreFloor may be raised and read from any thread.
//
// Example:
//   std::vector<ScoredDoc> best = TopBm25(terms, {.lengths = lengths,
//                                                 .removed = removed,
//                                                 .average_length = 97.5}, 10);
#ifndef HEARTH_RAG_LEXICAL_TOP_K_H_
#define HEARTH_RAG_LEXICAL_TOP_K_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "rag/posting_list.h"

namespace hearth::internal {

struct QueryTerm {
  const PostingList* postings = nullptr;  // non-null, non-empty
  double idf = 0;                         // > 0
};

struct CorpusView {
  std::span<const uint32_t> lengths;  // terms per document
  std::span<const uint8_t> removed;   // 1: never returned
  double average_length = 1;          // > 0
};

struct ScoredDoc {
  uint32_t doc = 0;
  double score = 0;
};

// The documents [begin, end) of a part of a search.
struct DocRange {
  uint32_t begin = 0;
  uint32_t end = UINT32_MAX;  // > begin
};

// A lower bound on the k-th best score of a whole search split into parts:
// every part's k-th best score is one. Starts at minus infinity.
class ScoreFloor {
 public:
  double Get() const { return floor_.load(std::memory_order_relaxed); }
  // Makes the floor at least `score`.
  void Raise(double score);

 private:
  std::atomic<double> floor_{-std::numeric_limits<double>::infinity()};
};

// The (up to) k best documents in `range` for `terms` (at most 64), best
// first. With `floor`, a document that cannot beat it is not scored, and the
// part's k-th best score raises it.
std::vector<ScoredDoc> TopBm25(std::span<const QueryTerm> terms, const CorpusView& corpus,
                               size_t k, DocRange range = {}, ScoreFloor* floor = nullptr);

// TopBm25 over the whole corpus split into parts of at least `min_part_docs`
// documents (at most 4 per thread), which `threads` threads (the caller's
// and threads - 1 started here) take in turn; the same result as one
// TopBm25. A corpus of fewer than two parts, or threads <= 1, is searched on
// the caller's thread alone; so are the parts of a thread that cannot start.
std::vector<ScoredDoc> TopBm25InParts(std::span<const QueryTerm> terms, const CorpusView& corpus,
                                      size_t k, int threads, size_t min_part_docs);

// The k best of the parts' results, in TopBm25's order: what one TopBm25 over
// the parts' ranges together returns.
std::vector<ScoredDoc> MergeTop(std::vector<std::vector<ScoredDoc>> parts, size_t k);

}  // namespace hearth::internal

#endif  // HEARTH_RAG_LEXICAL_TOP_K_H_
