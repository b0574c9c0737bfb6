// ChunkTable: typed access to the chunks of documents and their full-text
// index (chunks_fts, kept in sync by triggers).
//
// A chunk id is never reused (it keys the vector index). Deleting a document
// deletes its chunks; the triggers then drop them from chunks_fts and log a
// 'remove' in index_changes for every index they were added to.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it).
//
// Example:
//   ChunkTable chunks(db);
//   ASSIGN_OR_RETURN(std::vector<int64_t> ids, chunks.InsertBatch(document_id, rows));
//   ASSIGN_OR_RETURN(std::vector<FtsHit> hits, chunks.SearchFts(workspace_id, "tax 2024", 20));
#ifndef HEARTH_STORE_CHUNK_TABLE_H_
#define HEARTH_STORE_CHUNK_TABLE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

struct ChunkRow {
  int64_t id = 0;           // set by the table; ignored by InsertBatch
  int64_t document_id = 0;  // set by the table; ignored by InsertBatch
  int64_t ordinal = 0;      // 0, 1, 2, ... within the document; >= 0
  std::string text;         // UTF-8 without NUL bytes, non-empty
  std::string heading_path; // e.g. "Intro > Scope"; may be empty
  // What was embedded before `text` (title and headings, chunker.h); the
  // full-text index searches it too. May be empty.
  std::string embed_prefix;
  int64_t page_first = 0;   // 1-based; 0 when the format has no pages
  int64_t page_last = 0;
  int64_t token_count = 0;
  std::string content_hash; // the embedding cache key, non-empty
};

// One full-text match: higher score is better (the negated FTS5 bm25).
struct FtsHit {
  int64_t chunk_id = 0;
  double score = 0;
};

class ChunkTable {
 public:
  explicit ChunkTable(Database& db) : db_(db) {}

  // Inserts `chunks` for the document in one transaction (a savepoint when
  // one is open) and returns their ids in the same order.
  // Errors: InvalidArgument for a bad row (message names its ordinal);
  // NotFound when the document does not exist; AlreadyExists when an ordinal
  // is already stored for the document. Nothing is written on error.
  StatusOr<std::vector<int64_t>> InsertBatch(int64_t document_id,
                                             const std::vector<ChunkRow>& chunks);

  // The document's chunks by ordinal (empty for an unknown document).
  StatusOr<std::vector<ChunkRow>> ListByDocument(int64_t document_id);

  // The chunks with these ids, in the order of `ids`; unknown ids are left
  // out (a retrieval may race a deletion).
  StatusOr<std::vector<ChunkRow>> GetByIds(std::span<const int64_t> ids);

  StatusOr<int64_t> CountByDocument(int64_t document_id);
  // Deletes the document's chunks (the document stays) and returns how many
  // were deleted; the triggers drop them from the full-text index and log a
  // 'remove' for every vector index they were added to. An ingestion that
  // must chunk the document again (its workspace changed embedders) starts
  // from here.
  StatusOr<int64_t> DeleteByDocument(int64_t document_id);
  // Whether the full-text index agrees with the chunks (FTS5's
  // integrity-check). Errors: Internal naming the disagreement.
  Status CheckFts();
  // Rebuilds the full-text index from the chunks (it is derived data).
  Status RebuildFts();
  // The ids of every chunk of the workspace's documents, ascending (what a
  // rebuilt vector index and a consistency check start from).
  StatusOr<std::vector<int64_t>> ListIdsByWorkspace(int64_t workspace_id);
  // Those of ListIdsByWorkspace above `after`, at most `limit`, ascending
  // (a resumable walk over a workspace's chunks).
  StatusOr<std::vector<int64_t>> ListIdsByWorkspaceAfter(int64_t workspace_id, int64_t after,
                                                         int64_t limit);

  // The highest committed ordinal of the document, or -1 when it has none:
  // a resumed ingestion continues at MaxOrdinal() + 1.
  StatusOr<int64_t> MaxOrdinal(int64_t document_id);

  // Full-text search over the chunks of the workspace's ready documents,
  // best first, at most `limit` hits. The query is plain user text: it is
  // split into words (ASCII punctuation separates), each word is quoted as
  // an FTS5 string and the words are OR-ed, so FTS5 operators in the text
  // ("AND", "(", "*", quotes) are searched as words, never parsed. English
  // stopwords ("the", "of", "and", ...) are left out unless the query has
  // nothing else. A query with no words returns no hits. At most 64 words
  // are used.
  // Errors: InvalidArgument for a limit < 1.
  StatusOr<std::vector<FtsHit>> SearchFts(int64_t workspace_id, std::string_view query,
                                          int limit);

 private:
  Database& db_;
};

// The FTS5 MATCH expression SearchFts runs for `query`; "" when the query has
// no words. Exposed for tests.
std::string FtsMatchExpression(std::string_view query);

}  // namespace hearth

#endif  // HEARTH_STORE_CHUNK_TABLE_H_
