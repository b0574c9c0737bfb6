#include "store/user_table.h"

#include "base/status_macros.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

constexpr std::string_view kColumns =
    "id, name, password_hash, role, suspended, created_at, updated_at";

UserRow ReadRow(const Statement& stmt) {
  return {.id = stmt.ColumnInt(0),
          .name = stmt.ColumnText(1),
          .password_hash = stmt.ColumnText(2),
          .role = stmt.ColumnText(3),
          .suspended = stmt.ColumnInt(4) != 0,
          .created_at_ms = stmt.ColumnInt(5),
          .updated_at_ms = stmt.ColumnInt(6)};
}

std::string UserName(int64_t id) { return internal::RowName("user", id); }

Status CheckName(std::string_view name) {
  if (name.empty()) return InvalidArgumentError("user name is empty");
  return internal::CheckText("user name", name, kMaxUserNameBytes);
}

Status CheckHash(std::string_view hash) {
  if (hash.empty()) return InvalidArgumentError("password hash is empty");
  return internal::CheckText("password hash", hash, kMaxPasswordHashBytes);
}

StatusOr<UserRow> SingleRow(Statement& stmt, std::string_view what) {
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(std::string(what) + " does not exist");
  return ReadRow(stmt);
}

StatusOr<int64_t> SingleInt(Statement& stmt) {
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("a count returned no row");
  return stmt.ColumnInt(0);
}

// Binds ?1 = id and ?3 = now (the caller bound ?2), runs, and expects one
// changed row.
Status RunSetter(Database& db, int64_t id, std::string_view column, Statement& stmt,
                 int64_t now_ms) {
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(3, now_ms));
  Status updated = stmt.Run();
  if (updated.code() == StatusCode::kInvalidArgument) {
    return InvalidArgumentError("the users table refuses this " + std::string(column) + ": " +
                                updated.message());
  }
  RETURN_IF_ERROR(updated);
  return internal::ExpectChanged(db, UserName(id));
}

}  // namespace

StatusOr<int64_t> UserTable::Create(std::string_view name, std::string_view password_hash,
                                    std::string_view role, int64_t now_ms) {
  RETURN_IF_ERROR(CheckName(name));
  RETURN_IF_ERROR(CheckHash(password_hash));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO users (name, password_hash, role, created_at, "
                               "updated_at) VALUES (?1, ?2, ?3, ?4, ?4)"));
  RETURN_IF_ERROR(stmt.Bind(1, name));
  RETURN_IF_ERROR(stmt.Bind(2, password_hash));
  RETURN_IF_ERROR(stmt.Bind(3, role));
  RETURN_IF_ERROR(stmt.Bind(4, now_ms));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("a user named '" + std::string(name) +
                              "' already exists (names ignore case); choose another name");
  }
  if (inserted.code() == StatusCode::kInvalidArgument) {
    return InvalidArgumentError("role '" + std::string(role.substr(0, 32)) +
                                "' must be admin, manager or default");
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<UserRow> UserTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM users WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  return SingleRow(stmt, UserName(id));
}

StatusOr<UserRow> UserTable::GetByName(std::string_view name) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM users WHERE name = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, name));
  std::string shown(name.substr(0, kMaxUserNameBytes));
  for (char& c : shown) {
    if (c == '\0') c = '?';
  }
  return SingleRow(stmt, "user '" + shown + "'");
}

StatusOr<std::vector<UserRow>> UserTable::List() {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM users ORDER BY id"));
  std::vector<UserRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return rows;
    rows.push_back(ReadRow(stmt));
  }
}

StatusOr<int64_t> UserTable::Count() {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT count(*) FROM users"));
  return SingleInt(stmt);
}

StatusOr<int64_t> UserTable::CountActiveWithRole(std::string_view role) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT count(*) FROM users WHERE role = ?1 AND suspended = 0"));
  RETURN_IF_ERROR(stmt.Bind(1, role));
  return SingleInt(stmt);
}

Status UserTable::SetRole(int64_t id, std::string_view role, int64_t now_ms) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(2, role));
  return RunSetter(db_, id, "role", stmt, now_ms);
}

Status UserTable::SetSuspended(int64_t id, bool suspended, int64_t now_ms) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE users SET suspended = ?2, updated_at = ?3 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(2, int64_t{suspended ? 1 : 0}));
  return RunSetter(db_, id, "suspension", stmt, now_ms);
}

Status UserTable::SetPasswordHash(int64_t id, std::string_view password_hash, int64_t now_ms) {
  RETURN_IF_ERROR(CheckHash(password_hash));
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("UPDATE users SET password_hash = ?2, "
                                               "updated_at = ?3 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(2, password_hash));
  return RunSetter(db_, id, "password hash", stmt, now_ms);
}

Status UserTable::Delete(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM users WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, UserName(id));
}

}  // namespace hearth
