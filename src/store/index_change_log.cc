#include "store/index_change_log.h"

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {

StatusOr<int64_t> IndexChangeLog::AppendAdds(int64_t workspace_id, std::string_view embedder,
                                             std::span<const int64_t> chunk_ids) {
  if (embedder.empty()) return InvalidArgumentError("index change embedder is empty");
  RETURN_IF_ERROR(internal::CheckText("embedder", embedder, 512));
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  // The SELECT finds nothing for a chunk outside the workspace, which is how
  // a wrong id is caught without a second query.
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO index_changes (workspace_id, embedder, chunk_id, op) "
                               "SELECT ?1, ?2, chunks.id, 'add' FROM chunks "
                               "JOIN documents ON documents.id = chunks.document_id "
                               "WHERE chunks.id = ?3 AND documents.workspace_id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, embedder));
  for (int64_t chunk_id : chunk_ids) {
    RETURN_IF_ERROR(stmt.Bind(3, chunk_id));
    RETURN_IF_ERROR(stmt.Run());
    if (db_.ChangedRows() == 0) {
      return NotFoundError(internal::RowName("chunk", chunk_id) + " is not in " +
                           internal::RowName("workspace", workspace_id));
    }
  }
  ASSIGN_OR_RETURN(int64_t latest, LatestSequence(workspace_id, embedder));
  RETURN_IF_ERROR(transaction.Commit());
  return latest;
}

StatusOr<std::vector<IndexChange>> IndexChangeLog::ChangesSince(int64_t workspace_id,
                                                                std::string_view embedder,
                                                                int64_t after_seq,
                                                                size_t limit) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT seq, chunk_id, op FROM index_changes "
                               "WHERE workspace_id = ?1 AND embedder = ?2 AND seq > ?3 "
                               "ORDER BY seq LIMIT ?4"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, embedder));
  RETURN_IF_ERROR(stmt.Bind(3, after_seq));
  RETURN_IF_ERROR(stmt.Bind(4, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit)));
  std::vector<IndexChange> changes;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    changes.push_back({.seq = stmt.ColumnInt(0),
                       .chunk_id = stmt.ColumnInt(1),
                       .op = stmt.ColumnText(2) == "add" ? IndexOp::kAdd : IndexOp::kRemove});
  }
  return changes;
}

StatusOr<int64_t> IndexChangeLog::LatestSequence(int64_t workspace_id,
                                                 std::string_view embedder) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT coalesce(max(seq), 0) FROM index_changes "
                               "WHERE workspace_id = ?1 AND embedder = ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, embedder));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("max(seq) returned no row");
  return stmt.ColumnInt(0);
}

StatusOr<int64_t> IndexChangeLog::LastAddedChunk(int64_t workspace_id,
                                                 std::string_view embedder) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT coalesce(max(chunk_id), 0) FROM index_changes "
                               "WHERE workspace_id = ?1 AND embedder = ?2 AND op = 'add'"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, embedder));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("max(chunk_id) returned no row");
  return stmt.ColumnInt(0);
}

}  // namespace hearth
