// The SciFact retrieval set in BEIR's layout (corpus.jsonl, queries.jsonl,
// qrels/test.tsv), and the two measures BEIR reports for it: nDCG@10 with
// graded relevance and recall@100.
//
// Thread-safety: values only; the functions are thread-safe.
#ifndef HEARTH_BENCH_SCIFACT_H_
#define HEARTH_BENCH_SCIFACT_H_

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace hearth::bench {

struct ScifactDocument {
  std::string id;  // BEIR's "_id"
  std::string title;
  std::string text;
};

struct ScifactQuery {
  std::string id;
  std::string text;
  std::map<std::string, int> relevant;  // document id -> grade (> 0)
};

struct ScifactSet {
  std::vector<ScifactDocument> documents;  // in corpus.jsonl's order
  std::vector<ScifactQuery> test_queries;  // those with test qrels, by id
  std::vector<std::string> all_query_texts;  // every query of queries.jsonl
};

// Reads the set under `dir`. Errors: NotFound for a missing file;
// InvalidArgument naming the file and line of a malformed record or a qrel
// for a query that queries.jsonl lacks.
StatusOr<ScifactSet> LoadScifact(const std::filesystem::path& dir);

// nDCG@10 of `ranked` (document ids, best first, no repeats): gains are the
// grades, discounted by log2(rank + 1); the ideal ranking is the qrels'
// grades sorted. 0 when the query has no relevant documents.
double NdcgAt10(const std::vector<std::string>& ranked, const std::map<std::string, int>& relevant);

// The share of the relevant documents found in the first 100 of `ranked`.
double RecallAt100(const std::vector<std::string>& ranked,
                   const std::map<std::string, int>& relevant);

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_SCIFACT_H_
