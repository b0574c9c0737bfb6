#include "store/session_table.h"

#include "base/status_macros.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

constexpr size_t kMaxHashBytes = 128;

constexpr std::string_view kColumns =
    "id, user_id, token_hash, csrf_hash, created_at, last_seen_at, expires_at";

SessionRow ReadRow(const Statement& stmt) {
  return {.id = stmt.ColumnInt(0),
          .user_id = stmt.ColumnInt(1),
          .token_hash = stmt.ColumnText(2),
          .csrf_hash = stmt.ColumnText(3),
          .created_at_ms = stmt.ColumnInt(4),
          .last_seen_at_ms = stmt.ColumnInt(5),
          .expires_at_ms = stmt.ColumnInt(6)};
}

Status CheckHash(std::string_view field, std::string_view hash) {
  if (hash.empty()) return InvalidArgumentError(std::string(field) + " is empty");
  return internal::CheckText(field, hash, kMaxHashBytes);
}

std::string SessionName(int64_t id) { return internal::RowName("session", id); }

}  // namespace

StatusOr<int64_t> SessionTable::Create(const SessionRow& row) {
  RETURN_IF_ERROR(CheckHash("session token hash", row.token_hash));
  RETURN_IF_ERROR(CheckHash("session CSRF hash", row.csrf_hash));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO sessions (user_id, token_hash, csrf_hash, created_at, "
                               "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  RETURN_IF_ERROR(stmt.Bind(1, row.user_id));
  RETURN_IF_ERROR(stmt.Bind(2, row.token_hash));
  RETURN_IF_ERROR(stmt.Bind(3, row.csrf_hash));
  RETURN_IF_ERROR(stmt.Bind(4, row.created_at_ms));
  RETURN_IF_ERROR(stmt.Bind(5, row.last_seen_at_ms));
  RETURN_IF_ERROR(stmt.Bind(6, row.expires_at_ms));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kNotFound) {
    return NotFoundError(internal::RowName("user", row.user_id) +
                         " does not exist; cannot start a session for it");
  }
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("a session with this token already exists");
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<SessionRow> SessionTable::GetByTokenHash(std::string_view token_hash) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM sessions WHERE token_hash = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, token_hash));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError("no session has this token");
  return ReadRow(stmt);
}

Status SessionTable::Touch(int64_t id, int64_t now_ms) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE sessions SET last_seen_at = ?2 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, now_ms));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, SessionName(id));
}

Status SessionTable::Delete(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM sessions WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, SessionName(id));
}

StatusOr<int64_t> SessionTable::DeleteByUser(int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM sessions WHERE user_id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, user_id));
  RETURN_IF_ERROR(stmt.Run());
  return db_.ChangedRows();
}

StatusOr<int64_t> SessionTable::DeleteExpired(int64_t now_ms, int64_t idle_before_ms) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM sessions WHERE expires_at <= ?1 "
                                               "OR last_seen_at <= ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, now_ms));
  RETURN_IF_ERROR(stmt.Bind(2, idle_before_ms));
  RETURN_IF_ERROR(stmt.Run());
  return db_.ChangedRows();
}

}  // namespace hearth
