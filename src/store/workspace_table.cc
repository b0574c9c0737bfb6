#include "store/workspace_table.h"

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {
namespace {

constexpr size_t kMaxSlugLength = 64;
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxEmbedderBytes = 512;
constexpr int64_t kMaxChunkTokens = 65536;

constexpr std::string_view kColumns =
    "id, slug, name, embedder, chunk_tokens, chunk_overlap_tokens, vector_type, created_at, "
    "updated_at";

bool IsSlugCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

Status ValidateSettings(const WorkspaceSettings& settings) {
  if (settings.name.empty()) return InvalidArgumentError("workspace name is empty");
  RETURN_IF_ERROR(internal::CheckText("workspace name", settings.name, kMaxNameBytes));
  RETURN_IF_ERROR(internal::CheckText("embedder", settings.embedder, kMaxEmbedderBytes));
  if (settings.chunk_tokens < 1 || settings.chunk_tokens > kMaxChunkTokens) {
    return InvalidArgumentError("chunk_tokens " + std::to_string(settings.chunk_tokens) +
                                " is outside 1.." + std::to_string(kMaxChunkTokens));
  }
  if (settings.chunk_overlap_tokens < 0 ||
      settings.chunk_overlap_tokens >= settings.chunk_tokens) {
    return InvalidArgumentError("chunk_overlap_tokens " +
                                std::to_string(settings.chunk_overlap_tokens) +
                                " must be at least 0 and less than chunk_tokens " +
                                std::to_string(settings.chunk_tokens));
  }
  return OkStatus();
}

WorkspaceRow ReadRow(const Statement& stmt) {
  WorkspaceRow row;
  row.id = stmt.ColumnInt(0);
  row.slug = stmt.ColumnText(1);
  row.settings.name = stmt.ColumnText(2);
  row.settings.embedder = stmt.ColumnText(3);
  row.settings.chunk_tokens = stmt.ColumnInt(4);
  row.settings.chunk_overlap_tokens = stmt.ColumnInt(5);
  row.settings.vector_type = stmt.ColumnText(6) == "i8" ? VectorType::kI8 : VectorType::kF16;
  row.created_at_ms = stmt.ColumnInt(7);
  row.updated_at_ms = stmt.ColumnInt(8);
  return row;
}

Status BindSettings(Statement& stmt, const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(stmt.Bind(2, settings.name));
  RETURN_IF_ERROR(stmt.Bind(3, settings.embedder));
  RETURN_IF_ERROR(stmt.Bind(4, settings.chunk_tokens));
  RETURN_IF_ERROR(stmt.Bind(5, settings.chunk_overlap_tokens));
  return stmt.Bind(6, VectorTypeName(settings.vector_type));
}

StatusOr<WorkspaceRow> SingleRow(Statement& stmt, std::string_view what) {
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(std::string(what) + " does not exist");
  return ReadRow(stmt);
}

}  // namespace

std::string_view VectorTypeName(VectorType type) {
  return type == VectorType::kI8 ? "i8" : "f16";
}

Status ValidateWorkspaceSlug(std::string_view slug) {
  bool valid = !slug.empty() && slug.size() <= kMaxSlugLength;
  for (char c : slug) valid = valid && IsSlugCharacter(c);
  if (valid) return OkStatus();
  std::string shown(slug.substr(0, kMaxSlugLength));
  for (char& c : shown) {
    if (c == '\0') c = '?';
  }
  return InvalidArgumentError("workspace slug '" + shown +
                              "' must be 1 to 64 characters of a-z, 0-9 and '-'");
}

StatusOr<int64_t> WorkspaceTable::Create(std::string_view slug,
                                         const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(ValidateWorkspaceSlug(slug));
  RETURN_IF_ERROR(ValidateSettings(settings));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO workspaces (slug, name, embedder, chunk_tokens, "
                               "chunk_overlap_tokens, vector_type, created_at, updated_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, " +
                               std::string(internal::kNowMillisSql) + ", " +
                               std::string(internal::kNowMillisSql) + ")"));
  RETURN_IF_ERROR(stmt.Bind(1, slug));
  RETURN_IF_ERROR(BindSettings(stmt, settings));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("a workspace with slug '" + std::string(slug) +
                              "' already exists; choose another slug");
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<WorkspaceRow> WorkspaceTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM workspaces WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  return SingleRow(stmt, internal::RowName("workspace", id));
}

StatusOr<WorkspaceRow> WorkspaceTable::GetBySlug(std::string_view slug) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM workspaces WHERE slug = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, slug));
  return SingleRow(stmt, "workspace '" + std::string(slug) + "'");
}

StatusOr<std::vector<WorkspaceRow>> WorkspaceTable::List() {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM workspaces ORDER BY slug"));
  std::vector<WorkspaceRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    rows.push_back(ReadRow(stmt));
  }
  return rows;
}

Status WorkspaceTable::Update(int64_t id, const WorkspaceSettings& settings) {
  RETURN_IF_ERROR(ValidateSettings(settings));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE workspaces SET name = ?2, embedder = ?3, "
                               "chunk_tokens = ?4, chunk_overlap_tokens = ?5, vector_type = ?6, "
                               "updated_at = " +
                               std::string(internal::kNowMillisSql) + " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(BindSettings(stmt, settings));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("workspace", id));
}

Status WorkspaceTable::Delete(int64_t id) {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(Statement remove, db_.Prepare("DELETE FROM workspaces WHERE id = ?1"));
  RETURN_IF_ERROR(remove.Bind(1, id));
  RETURN_IF_ERROR(remove.Run());
  RETURN_IF_ERROR(internal::ExpectChanged(db_, internal::RowName("workspace", id)));
  // After the cascade, whose chunk triggers appended 'remove' rows.
  ASSIGN_OR_RETURN(Statement forget,
                   db_.Prepare("DELETE FROM index_changes WHERE workspace_id = ?1"));
  RETURN_IF_ERROR(forget.Bind(1, id));
  RETURN_IF_ERROR(forget.Run());
  return transaction.Commit();
}

}  // namespace hearth
