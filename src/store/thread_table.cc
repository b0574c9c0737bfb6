#include "store/thread_table.h"

#include "base/status_macros.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

constexpr std::string_view kColumns =
    "id, workspace_id, title, created_at, updated_at, context_epoch, user_id";

ThreadRow ReadRow(const Statement& stmt) {
  return {.id = stmt.ColumnInt(0),
          .workspace_id = stmt.ColumnInt(1),
          .title = stmt.ColumnText(2),
          .created_at_ms = stmt.ColumnInt(3),
          .updated_at_ms = stmt.ColumnInt(4),
          .context_epoch = stmt.ColumnInt(5),
          .user_id = stmt.ColumnInt(6)};
}

std::string ThreadName(int64_t id) { return internal::RowName("thread", id); }

StatusOr<std::vector<ThreadRow>> ReadAll(Statement& stmt) {
  std::vector<ThreadRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return rows;
    rows.push_back(ReadRow(stmt));
  }
}

}  // namespace

StatusOr<int64_t> ThreadTable::Create(int64_t workspace_id, std::string_view title,
                                      int64_t user_id) {
  RETURN_IF_ERROR(internal::CheckText("thread title", title, kMaxThreadTitleBytes));
  const std::string now(internal::kNowMillisSql);
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO threads (workspace_id, title, user_id, created_at, "
                               "updated_at) VALUES (?1, ?2, ?3, " +
                               now + ", " + now + ")"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, title));
  RETURN_IF_ERROR(stmt.Bind(3, user_id));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kNotFound) {
    return NotFoundError(internal::RowName("workspace", workspace_id) +
                         " does not exist; cannot create a thread in it");
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<ThreadRow> ThreadTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM threads WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(ThreadName(id) + " does not exist");
  return ReadRow(stmt);
}

StatusOr<std::vector<ThreadRow>> ThreadTable::ListByWorkspace(int64_t workspace_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT " + std::string(kColumns) +
                               " FROM threads WHERE workspace_id = ?1 "
                               "ORDER BY updated_at DESC, id DESC"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  return ReadAll(stmt);
}

StatusOr<std::vector<ThreadRow>> ThreadTable::ListByWorkspaceAndUser(int64_t workspace_id,
                                                                     int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT " + std::string(kColumns) +
                               " FROM threads WHERE workspace_id = ?1 AND user_id = ?2 "
                               "ORDER BY updated_at DESC, id DESC"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, user_id));
  return ReadAll(stmt);
}

StatusOr<int64_t> ThreadTable::DeleteByUser(int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM threads WHERE user_id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, user_id));
  RETURN_IF_ERROR(stmt.Run());
  return db_.ChangedRows();
}

Status ThreadTable::Delete(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM threads WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, ThreadName(id));
}

Status ThreadTable::Touch(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE threads SET updated_at = " +
                               std::string(internal::kNowMillisSql) + " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, ThreadName(id));
}

StatusOr<int64_t> ThreadTable::BumpEpoch(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE threads SET context_epoch = context_epoch + 1, "
                               "updated_at = " +
                               std::string(internal::kNowMillisSql) +
                               " WHERE id = ?1 RETURNING context_epoch"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(ThreadName(id) + " does not exist");
  const int64_t epoch = stmt.ColumnInt(0);
  RETURN_IF_ERROR(stmt.Run());  // finishes the statement
  return epoch;
}

Status ThreadTable::SetTitle(int64_t id, std::string_view title) {
  RETURN_IF_ERROR(internal::CheckText("thread title", title, kMaxThreadTitleBytes));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE threads SET title = ?2, updated_at = " +
                               std::string(internal::kNowMillisSql) + " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, title));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, ThreadName(id));
}

}  // namespace hearth
