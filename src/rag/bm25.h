// BM25 (Robertson et al.; the scoring of Lucene and of the BEIR baselines)
// as the lexical index (rag/lexical_index.h) computes it:
//
//   score(d, q) = sum over distinct terms t of q in d of
//                 idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
//   idf(t)      = ln(1 + (N - df + 0.5) / (df + 0.5))
//
// with tf the term's frequency in d, |d| the document's length in terms,
// avgdl the mean length, N the documents and df those containing t. idf is
// always positive, so every matching term adds to a score.
//
// Thread-safety: pure functions.
//
// Example:
//   const double idf = Bm25Idf(/*documents=*/1000, /*containing=*/10);
//   const double part = Bm25TermScore(idf, /*frequency=*/2, /*length=*/120, /*average=*/100);
#ifndef HEARTH_RAG_BM25_H_
#define HEARTH_RAG_BM25_H_

#include <cmath>
#include <cstdint>

namespace hearth {

inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

inline double Bm25Idf(double documents, double containing) {
  return std::log(1.0 + (documents - containing + 0.5) / (containing + 0.5));
}

// One term's part of a document's score. It grows with `frequency` and
// shrinks with `length`, so (largest frequency, shortest length) bounds a
// block of postings from above.
inline double Bm25TermScore(double idf, double frequency, double length, double average_length) {
  return idf * frequency * (kBm25K1 + 1.0) /
         (frequency + kBm25K1 * (1.0 - kBm25B + kBm25B * length / average_length));
}

}  // namespace hearth

#endif  // HEARTH_RAG_BM25_H_
