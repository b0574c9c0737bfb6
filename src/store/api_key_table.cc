#include "store/api_key_table.h"

#include <charconv>

#include "base/status_macros.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

constexpr size_t kMaxHashBytes = 128;
constexpr size_t kMaxPreviewBytes = 64;
constexpr size_t kMaxActionsBytes = 256;

constexpr std::string_view kColumns =
    "id, user_id, name, token_hash, preview, actions, workspaces, created_at, last_used_at, "
    "expires_at, revoked_at";

std::optional<int64_t> OptionalInt(const Statement& stmt, int column) {
  if (stmt.ColumnIsNull(column)) return std::nullopt;
  return stmt.ColumnInt(column);
}

// "3,7" -> {3, 7}. Entries that are not positive integers are skipped: a
// scope never grows by misreading.
std::vector<int64_t> ParseIdList(std::string_view text) {
  std::vector<int64_t> ids;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    int64_t id = 0;
    const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), id);
    if (error == std::errc() && end == item.data() + item.size() && id > 0) ids.push_back(id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return ids;
}

std::string FormatIdList(const std::vector<int64_t>& ids) {
  std::string text;
  for (int64_t id : ids) {
    if (!text.empty()) text += ',';
    text += std::to_string(id);
  }
  return text;
}

ApiKeyRow ReadRow(const Statement& stmt) {
  ApiKeyRow row{.id = stmt.ColumnInt(0),
                .user_id = stmt.ColumnInt(1),
                .name = stmt.ColumnText(2),
                .token_hash = stmt.ColumnText(3),
                .preview = stmt.ColumnText(4),
                .actions = stmt.ColumnText(5),
                .created_at_ms = stmt.ColumnInt(7),
                .last_used_at_ms = OptionalInt(stmt, 8),
                .expires_at_ms = OptionalInt(stmt, 9),
                .revoked_at_ms = OptionalInt(stmt, 10)};
  if (!stmt.ColumnIsNull(6)) row.workspaces = ParseIdList(stmt.ColumnText(6));
  return row;
}

StatusOr<std::vector<ApiKeyRow>> ReadAll(Statement& stmt) {
  std::vector<ApiKeyRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return rows;
    rows.push_back(ReadRow(stmt));
  }
}

Status CheckNonEmpty(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.empty()) return InvalidArgumentError(std::string(field) + " is empty");
  return internal::CheckText(field, value, max_bytes);
}

Status ValidateNew(const ApiKeyRow& row) {
  RETURN_IF_ERROR(CheckNonEmpty("API key name", row.name, kMaxApiKeyNameBytes));
  RETURN_IF_ERROR(CheckNonEmpty("API key hash", row.token_hash, kMaxHashBytes));
  RETURN_IF_ERROR(CheckNonEmpty("API key preview", row.preview, kMaxPreviewBytes));
  RETURN_IF_ERROR(CheckNonEmpty("API key actions", row.actions, kMaxActionsBytes));
  if (!row.workspaces.has_value()) return OkStatus();
  if (row.workspaces->empty()) {
    return InvalidArgumentError("API key workspace list is empty; omit it for all workspaces");
  }
  for (int64_t id : *row.workspaces) {
    if (id <= 0) return InvalidArgumentError("API key workspace id " + std::to_string(id) +
                                             " is not a workspace id");
  }
  return OkStatus();
}

Status BindOptional(Statement& stmt, int index, const std::optional<int64_t>& value) {
  return value.has_value() ? stmt.Bind(index, *value) : stmt.BindNull(index);
}

std::string KeyName(int64_t id) { return internal::RowName("API key", id); }

}  // namespace

StatusOr<int64_t> ApiKeyTable::Create(const ApiKeyRow& row) {
  RETURN_IF_ERROR(ValidateNew(row));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO api_keys (user_id, name, token_hash, preview, "
                               "actions, workspaces, created_at, expires_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  RETURN_IF_ERROR(stmt.Bind(1, row.user_id));
  RETURN_IF_ERROR(stmt.Bind(2, row.name));
  RETURN_IF_ERROR(stmt.Bind(3, row.token_hash));
  RETURN_IF_ERROR(stmt.Bind(4, row.preview));
  RETURN_IF_ERROR(stmt.Bind(5, row.actions));
  RETURN_IF_ERROR(row.workspaces.has_value() ? stmt.Bind(6, FormatIdList(*row.workspaces))
                                             : stmt.BindNull(6));
  RETURN_IF_ERROR(stmt.Bind(7, row.created_at_ms));
  RETURN_IF_ERROR(BindOptional(stmt, 8, row.expires_at_ms));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kNotFound) {
    return NotFoundError(internal::RowName("user", row.user_id) +
                         " does not exist; cannot create an API key for it");
  }
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("an API key with this secret already exists");
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<ApiKeyRow> ApiKeyTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM api_keys WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(KeyName(id) + " does not exist");
  return ReadRow(stmt);
}

StatusOr<ApiKeyRow> ApiKeyTable::GetByTokenHash(std::string_view token_hash) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM api_keys WHERE token_hash = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, token_hash));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError("no API key has this secret");
  return ReadRow(stmt);
}

StatusOr<std::vector<ApiKeyRow>> ApiKeyTable::List() {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM api_keys ORDER BY id"));
  return ReadAll(stmt);
}

StatusOr<std::vector<ApiKeyRow>> ApiKeyTable::ListByUser(int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM api_keys WHERE user_id = ?1 ORDER BY id"));
  RETURN_IF_ERROR(stmt.Bind(1, user_id));
  return ReadAll(stmt);
}

StatusOr<bool> ApiKeyTable::Revoke(int64_t id, int64_t now_ms) {
  ASSIGN_OR_RETURN(const ApiKeyRow row, Get(id));
  if (row.revoked_at_ms.has_value()) return false;
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 "
                               "AND revoked_at IS NULL"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, now_ms));
  RETURN_IF_ERROR(stmt.Run());
  return db_.ChangedRows() > 0;
}

Status ApiKeyTable::SetLastUsed(int64_t id, int64_t now_ms) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, now_ms));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, KeyName(id));
}

}  // namespace hearth
