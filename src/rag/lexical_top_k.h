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
// Thread-safety: a pure function over borrowed, unchanging data.
//
// Example:
//   std::vector<ScoredDoc> best = TopBm25(terms, {.lengths = lengths,
//                                                 .removed = removed,
//                                                 .average_length = 97.5}, 10);
#ifndef HEARTH_RAG_LEXICAL_TOP_K_H_
#define HEARTH_RAG_LEXICAL_TOP_K_H_

#include <cstddef>
#include <cstdint>
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

// The (up to) k best documents for `terms` (at most 64), best first.
std::vector<ScoredDoc> TopBm25(std::span<const QueryTerm> terms, const CorpusView& corpus,
                               size_t k);

}  // namespace hearth::internal

#endif  // HEARTH_RAG_LEXICAL_TOP_K_H_
