// LexicalIndex: hearth's own full-text index of one workspace's chunks, an
// inverted index searched by BM25 (rag/bm25.h, k1 1.2, b 0.75).
//
// A chunk is indexed as its embed prefix (title and headings) followed by its
// text, split into terms by rag/lexical_tokenizer.h (the folding and Porter
// stemming of the FTS5 table it replaces). Each term keeps a posting list
// (rag/posting_list.h) of the chunks it occurs in; a search finds the k best
// chunks by MaxScore with block-max bounds (rag/lexical_top_k.h), so it
// decodes only a fraction of the postings of common terms, and returns
// exactly what scoring every chunk would.
//
// Queries are plain user text, tokenized like chunks. English stopwords
// ("the", "of", ...) are left out unless the query has nothing else. Only the
// first kMaxQueryBytes of a query are read and only its first
// kMaxQueryTerms distinct terms count, so any query costs a bounded amount
// of work; a query with no terms finds nothing.
//
// Chunks are added in increasing id order (as SQLite hands ids out) and get
// dense internal numbers. A removed chunk is never returned, but it stays in
// the statistics (chunk count, mean length, term document counts) and the
// postings until a compaction, which runs by itself once a quarter of the
// chunks are removed — the way Lucene treats deleted documents.
//
// It is derived data, like the vector index: rag/lexical_indexes.h keeps it
// in step with SQLite and rebuilds it when its file is missing or bad.
//
// Memory: about 1.5 bytes per (term, chunk) posting, 13 bytes per chunk, and
// the term dictionary; memory_bytes() counts it.
//
// File (Save / Open): rag/lexical_index_file.h's envelope around the chunk
// table, the dictionary and the posting lists.
//
// Thread-safety: const methods may run concurrently with each other; Add,
// Remove and Compact need exclusive access (callers synchronize).
//
// Example:
//   LexicalIndex index;
//   RETURN_IF_ERROR(index.Add(7, "Tax guide › 2024\n\n", "Deductions for ..."));
//   ASSIGN_OR_RETURN(std::vector<LexicalHit> hits, index.Search("tax deductions", 10));
//   RETURN_IF_ERROR(index.Save(path, /*applied_sequence=*/42));
//   StatusOr<std::unique_ptr<LexicalIndex>> again = LexicalIndex::Open(path);
//   // not ok (other than NotFound): rebuild from SQLite.
#ifndef HEARTH_RAG_LEXICAL_INDEX_H_
#define HEARTH_RAG_LEXICAL_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "rag/posting_list.h"

namespace hearth {

struct LexicalHit {
  int64_t chunk_id = 0;
  double score = 0;  // BM25, > 0; higher is better
};

// How one search may spread over threads.
struct LexicalSearchOptions {
  // Threads the search may use, the caller's included; 1 searches on the
  // caller's thread alone.
  int threads = 1;
  // Chunks each part of a split search covers at least: an index of fewer
  // than two such parts is searched on the caller's thread alone (starting
  // threads costs more than it saves). At a million chunks BM25 takes about
  // 9 ms on one core of this project's reference machine; at 65,536 under 1.
  size_t min_part_chunks = 65536;
};

class LexicalIndex {
 public:
  static constexpr size_t kMaxQueryBytes = 64 * 1024;
  static constexpr size_t kMaxQueryTerms = 64;
  // Hits a search may ask for.
  static constexpr size_t kMaxHits = 10000;

  LexicalIndex();
  ~LexicalIndex();
  LexicalIndex(const LexicalIndex&) = delete;
  LexicalIndex& operator=(const LexicalIndex&) = delete;

  // Indexes chunk `chunk_id` (> 0) with the terms of `prefix` then `text`.
  // Adding a chunk already held does nothing. Errors: InvalidArgument for an
  // id <= 0; FailedPrecondition when the id is below the greatest id added
  // and not held (ids must come in increasing order: rebuild the index);
  // ResourceExhausted past 4 billion chunks. On error nothing changes.
  Status Add(int64_t chunk_id, std::string_view prefix, std::string_view text);

  // Forgets the chunk; false when it is not held.
  bool Remove(int64_t chunk_id);

  // The (up to) `k` best chunks for `query`, best first; ties go to the
  // lower chunk id. The result does not depend on `options`. Errors:
  // InvalidArgument for k outside 1..kMaxHits.
  StatusOr<std::vector<LexicalHit>> Search(std::string_view query, size_t k,
                                           const LexicalSearchOptions& options = {}) const;

  // Drops removed chunks from the postings and the statistics now.
  void Compact();

  bool Contains(int64_t chunk_id) const;
  // The chunk ids held, ascending.
  std::vector<int64_t> Keys() const;
  // Chunks held (removed ones not counted).
  size_t size() const { return chunk_ids_.size() - removed_count_; }
  // Distinct terms.
  size_t term_count() const { return terms_.size(); }
  // Bytes of memory the index holds.
  size_t memory_bytes() const;

  // Writes the index and `applied_sequence` to `path` atomically (a
  // temporary file renamed into place; a crash leaves the old file or the
  // new one). Errors: the errno's code when writing fails.
  Status Save(const std::filesystem::path& path, int64_t applied_sequence) const;

  // Reads an index Save wrote. `applied_sequence` receives what Save was
  // given. Errors: NotFound when there is no file; Internal "... is corrupt:
  // ..." for anything wrong with its bytes; FailedPrecondition for another
  // format version. The caller rebuilds in every error case.
  static StatusOr<std::unique_ptr<LexicalIndex>> Open(const std::filesystem::path& path,
                                                      int64_t* applied_sequence);

 private:
  struct TermHash {
    using is_transparent = void;
    size_t operator()(std::string_view term) const { return std::hash<std::string_view>{}(term); }
  };
  using TermMap = std::unordered_map<std::string, uint32_t, TermHash, std::equal_to<>>;

  // The internal number of `chunk_id`, or -1.
  int64_t DocOf(int64_t chunk_id) const;
  // The distinct, stemmed query terms to score.
  static std::vector<std::string> QueryTerms(std::string_view query);
  Status ParsePayload(std::span<const uint8_t> payload);

  std::vector<int64_t> chunk_ids_;  // by internal number, ascending
  std::vector<uint32_t> lengths_;   // terms per chunk
  std::vector<uint8_t> removed_;    // 1: removed, awaiting compaction
  size_t removed_count_ = 0;
  uint64_t total_length_ = 0;       // of every chunk, removed ones too
  TermMap terms_;                   // term -> index in postings_
  std::vector<internal::PostingList> postings_;
};

}  // namespace hearth

#endif  // HEARTH_RAG_LEXICAL_INDEX_H_
