// IndexChangeLog: the ordered log of chunk additions and removals that a
// workspace's vector index (one per embedder) replays.
//
// Each row has a global, increasing sequence number. A vector index records
// in its header the last sequence it applied; on open it replays
// ChangesSince(that sequence) to catch up with the database. 'remove' rows
// are appended by a trigger when chunks are deleted (for every index the
// chunk was added to); 'add' rows by AppendAdds once chunks are embedded.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it).
//
// Example:
//   IndexChangeLog log(db);
//   ASSIGN_OR_RETURN(int64_t seq, log.AppendAdds(workspace_id, "nomic-embed-text", ids));
//   ASSIGN_OR_RETURN(auto changes, log.ChangesSince(workspace_id, "nomic-embed-text", applied));
#ifndef HEARTH_STORE_INDEX_CHANGE_LOG_H_
#define HEARTH_STORE_INDEX_CHANGE_LOG_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

enum class IndexOp { kAdd, kRemove };

// The stream of a workspace's lexical index (rag/lexical_indexes.h): the
// schema logs an 'add' under it for every chunk inserted, and, as for every
// stream, a 'remove' for every chunk deleted. No embedder id takes this form
// ("sha256-<hex>" or "remote:<name>").
inline constexpr std::string_view kLexicalStream = "lexical";

struct IndexChange {
  int64_t seq = 0;
  int64_t chunk_id = 0;
  IndexOp op = IndexOp::kAdd;
};

class IndexChangeLog {
 public:
  explicit IndexChangeLog(Database& db) : db_(db) {}

  // Appends one 'add' per chunk id, in order, in one transaction (a
  // savepoint when one is open), and returns the sequence of the last row
  // (LatestSequence when `chunk_ids` is empty).
  // Errors: InvalidArgument for an empty embedder; NotFound naming the first
  // chunk id that does not exist or is not in the workspace. Nothing is
  // written on error.
  StatusOr<int64_t> AppendAdds(int64_t workspace_id, std::string_view embedder,
                               std::span<const int64_t> chunk_ids);

  // The (workspace, embedder) changes with seq > `after_seq`, oldest first,
  // at most `limit` of them (0: all).
  StatusOr<std::vector<IndexChange>> ChangesSince(int64_t workspace_id,
                                                  std::string_view embedder, int64_t after_seq,
                                                  size_t limit = 0);

  // The highest seq of (workspace, embedder); 0 when it has none.
  StatusOr<int64_t> LatestSequence(int64_t workspace_id, std::string_view embedder);

  // The greatest chunk id with an 'add' row for (workspace, embedder); 0
  // when there is none. A reembed job walks the workspace's chunks in id
  // order and logs each batch's adds as it commits, so this is where it
  // resumes after a restart.
  StatusOr<int64_t> LastAddedChunk(int64_t workspace_id, std::string_view embedder);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_INDEX_CHANGE_LOG_H_
