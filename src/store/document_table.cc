#include "store/document_table.h"

#include <array>

#include "base/status_macros.h"
#include "store/digest.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

constexpr size_t kMaxNameBytes = 1024;
constexpr size_t kMaxFieldBytes = 64 * 1024;

constexpr std::string_view kColumns =
    "id, workspace_id, name, blob_digest, bytes, format, title, page_count, status, error, "
    "warnings, pinned, created_at, updated_at, uploaded_by";

constexpr std::array<std::string_view, 5> kStatusNames = {"queued", "converting", "embedding",
                                                          "ready", "failed"};

DocumentStatus ParseStatus(std::string_view name) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<DocumentStatus>(i);
  }
  return DocumentStatus::kFailed;  // unreachable: the column has a CHECK
}

DocumentRow ReadRow(const Statement& stmt) {
  DocumentRow row;
  row.id = stmt.ColumnInt(0);
  row.workspace_id = stmt.ColumnInt(1);
  row.name = stmt.ColumnText(2);
  row.blob_digest = stmt.ColumnText(3);
  row.bytes = stmt.ColumnInt(4);
  row.format = stmt.ColumnText(5);
  row.title = stmt.ColumnText(6);
  row.page_count = stmt.ColumnInt(7);
  row.status = ParseStatus(stmt.ColumnText(8));
  row.error = stmt.ColumnText(9);
  row.warnings = stmt.ColumnText(10);
  row.pinned = stmt.ColumnInt(11) != 0;
  row.created_at_ms = stmt.ColumnInt(12);
  row.updated_at_ms = stmt.ColumnInt(13);
  row.uploaded_by = stmt.ColumnInt(14);
  return row;
}

StatusOr<std::string> CanonicalDigest(std::string_view text) {
  StatusOr<Digest> digest = Digest::Parse(text);
  if (!digest.ok()) return digest.status().WithContext("document blob_digest");
  return digest->FileName();
}

Status ValidateNew(const NewDocument& document) {
  if (document.name.empty()) return InvalidArgumentError("document name is empty");
  RETURN_IF_ERROR(internal::CheckText("document name", document.name, kMaxNameBytes));
  if (document.bytes < 0) {
    return InvalidArgumentError("document size " + std::to_string(document.bytes) +
                                " is negative");
  }
  return OkStatus();
}

std::string Now() { return std::string(internal::kNowMillisSql); }

}  // namespace

std::string_view DocumentStatusName(DocumentStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

Status DocumentTable::CheckNotDuplicate(int64_t workspace_id, std::string_view digest,
                                        int64_t* existing_id) {
  StatusOr<DocumentRow> existing = FindByDigest(workspace_id, digest);
  if (!existing.ok()) {
    return existing.status().code() == StatusCode::kNotFound ? OkStatus() : existing.status();
  }
  if (existing_id != nullptr) *existing_id = existing->id;
  return AlreadyExistsError("workspace " + std::to_string(workspace_id) +
                            " already holds this file as document " +
                            std::to_string(existing->id) + " ('" + existing->name + "')");
}

StatusOr<int64_t> DocumentTable::Insert(const NewDocument& document, int64_t* existing_id) {
  RETURN_IF_ERROR(ValidateNew(document));
  ASSIGN_OR_RETURN(std::string digest, CanonicalDigest(document.blob_digest));
  RETURN_IF_ERROR(CheckNotDuplicate(document.workspace_id, digest, existing_id));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO documents (workspace_id, name, blob_digest, bytes, "
                               "uploaded_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, " +
                               Now() + ", " + Now() + ")"));
  RETURN_IF_ERROR(stmt.Bind(1, document.workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, document.name));
  RETURN_IF_ERROR(stmt.Bind(3, digest));
  RETURN_IF_ERROR(stmt.Bind(4, document.bytes));
  RETURN_IF_ERROR(stmt.Bind(5, document.uploaded_by));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kNotFound) {
    return NotFoundError(internal::RowName("workspace", document.workspace_id) +
                         " does not exist");
  }
  if (inserted.code() == StatusCode::kAlreadyExists) {
    // Another connection added the same file since the check above.
    RETURN_IF_ERROR(CheckNotDuplicate(document.workspace_id, digest, existing_id));
  }
  RETURN_IF_ERROR(inserted);
  return db_.LastInsertRowId();
}

StatusOr<DocumentRow> DocumentTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM documents WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(internal::RowName("document", id) + " does not exist");
  return ReadRow(stmt);
}

StatusOr<DocumentRow> DocumentTable::FindByDigest(int64_t workspace_id,
                                                  std::string_view blob_digest) {
  ASSIGN_OR_RETURN(std::string digest, CanonicalDigest(blob_digest));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT " + std::string(kColumns) +
                               " FROM documents WHERE workspace_id = ?1 AND blob_digest = ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, digest));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) {
    return NotFoundError("no document with " + digest + " in workspace " +
                         std::to_string(workspace_id));
  }
  return ReadRow(stmt);
}

StatusOr<std::vector<DocumentRow>> DocumentTable::ListByWorkspace(int64_t workspace_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT " + std::string(kColumns) +
                               " FROM documents WHERE workspace_id = ?1 ORDER BY id"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  std::vector<DocumentRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    rows.push_back(ReadRow(stmt));
  }
  return rows;
}

Status DocumentTable::SetStatus(int64_t id, DocumentStatus status, std::string_view error,
                                std::string_view warnings) {
  RETURN_IF_ERROR(internal::CheckText("document error", error, kMaxFieldBytes));
  RETURN_IF_ERROR(internal::CheckText("document warnings", warnings, kMaxFieldBytes));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE documents SET status = ?2, error = ?3, warnings = ?4, "
                               "updated_at = " + Now() + " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, DocumentStatusName(status)));
  RETURN_IF_ERROR(stmt.Bind(3, error));
  RETURN_IF_ERROR(stmt.Bind(4, warnings));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("document", id));
}

Status DocumentTable::SetConverted(int64_t id, std::string_view format, std::string_view title,
                                   int64_t page_count) {
  RETURN_IF_ERROR(internal::CheckText("document format", format, kMaxNameBytes));
  RETURN_IF_ERROR(internal::CheckText("document title", title, kMaxFieldBytes));
  if (page_count < 0) {
    return InvalidArgumentError("page count " + std::to_string(page_count) + " is negative");
  }
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE documents SET format = ?2, title = ?3, page_count = ?4, "
                               "updated_at = " + Now() + " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, format));
  RETURN_IF_ERROR(stmt.Bind(3, title));
  RETURN_IF_ERROR(stmt.Bind(4, page_count));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("document", id));
}

Status DocumentTable::SetPinned(int64_t id, bool pinned) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE documents SET pinned = ?2, updated_at = " + Now() +
                               " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, int64_t{pinned ? 1 : 0}));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("document", id));
}

Status DocumentTable::Delete(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM documents WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("document", id));
}

}  // namespace hearth
