#include "store/job_table.h"

#include <array>

#include "base/status_macros.h"
#include "store/row_checks.h"
#include "store/transaction.h"

namespace hearth {
namespace {

constexpr std::array<std::string_view, 2> kKindNames = {"ingest", "reembed"};
constexpr std::array<std::string_view, 5> kStateNames = {"queued", "running", "done", "failed",
                                                         "cancelled"};

constexpr std::string_view kColumns =
    "id, kind, workspace_id, document_id, state, pages_done, chunks_total, chunks_done, error, "
    "created_at, started_at, finished_at, updated_at, target_embedder";

template <typename Enum, size_t N>
Enum ParseName(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return static_cast<Enum>(0);  // unreachable: the columns have CHECKs
}

std::optional<int64_t> OptionalInt(const Statement& stmt, int column) {
  if (stmt.ColumnIsNull(column)) return std::nullopt;
  return stmt.ColumnInt(column);
}

JobRow ReadRow(const Statement& stmt) {
  JobRow row;
  row.id = stmt.ColumnInt(0);
  row.kind = ParseName<JobKind>(kKindNames, stmt.ColumnText(1));
  row.workspace_id = stmt.ColumnInt(2);
  row.document_id = OptionalInt(stmt, 3);
  row.state = ParseName<JobState>(kStateNames, stmt.ColumnText(4));
  row.progress = {stmt.ColumnInt(5), stmt.ColumnInt(6), stmt.ColumnInt(7)};
  row.error = stmt.ColumnText(8);
  row.created_at_ms = stmt.ColumnInt(9);
  row.started_at_ms = OptionalInt(stmt, 10);
  row.finished_at_ms = OptionalInt(stmt, 11);
  row.updated_at_ms = stmt.ColumnInt(12);
  row.target_embedder = stmt.ColumnText(13);
  return row;
}

bool IsEnding(JobState state) {
  return state == JobState::kDone || state == JobState::kFailed ||
         state == JobState::kCancelled;
}

std::string Now() { return std::string(internal::kNowMillisSql); }

}  // namespace

std::string_view JobKindName(JobKind kind) { return kKindNames[static_cast<size_t>(kind)]; }
std::string_view JobStateName(JobState state) { return kStateNames[static_cast<size_t>(state)]; }

StatusOr<int64_t> JobTable::Create(JobKind kind, int64_t workspace_id,
                                   std::optional<int64_t> document_id) {
  // Selecting the workspace (and document in it) makes a mismatch insert
  // nothing, which is reported as NotFound.
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO jobs (kind, workspace_id, document_id, created_at, "
                               "updated_at) SELECT ?1, workspaces.id, ?3, " + Now() + ", " +
                               Now() + " FROM workspaces WHERE workspaces.id = ?2 AND (?3 IS NULL "
                               "OR EXISTS (SELECT 1 FROM documents WHERE documents.id = ?3 AND "
                               "documents.workspace_id = ?2))"));
  RETURN_IF_ERROR(stmt.Bind(1, JobKindName(kind)));
  RETURN_IF_ERROR(stmt.Bind(2, workspace_id));
  RETURN_IF_ERROR(document_id ? stmt.Bind(3, *document_id) : stmt.BindNull(3));
  RETURN_IF_ERROR(stmt.Run());
  if (db_.ChangedRows() == 0) {
    std::string what = internal::RowName("workspace", workspace_id);
    if (document_id) what = internal::RowName("document", *document_id) + " in " + what;
    return NotFoundError(what + " does not exist");
  }
  return db_.LastInsertRowId();
}

StatusOr<int64_t> JobTable::CreateReembed(int64_t workspace_id, std::string_view target_embedder) {
  if (target_embedder.empty()) return InvalidArgumentError("a reembed job needs an embedder");
  RETURN_IF_ERROR(internal::CheckText("target embedder", target_embedder, 1024));
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db_));
  ASSIGN_OR_RETURN(const int64_t id, Create(JobKind::kReembed, workspace_id, std::nullopt));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE jobs SET target_embedder = ?2 WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, target_embedder));
  RETURN_IF_ERROR(stmt.Run());
  RETURN_IF_ERROR(transaction.Commit());
  return id;
}

StatusOr<JobRow> JobTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT " + std::string(kColumns) + " FROM jobs WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return NotFoundError(internal::RowName("job", id) + " does not exist");
  return ReadRow(stmt);
}

Status JobTable::SetState(int64_t id, JobState state, std::string_view error) {
  RETURN_IF_ERROR(internal::CheckText("job error", error, 64 * 1024));
  ASSIGN_OR_RETURN(
      Statement stmt,
      db_.Prepare("UPDATE jobs SET state = ?2, error = ?3, updated_at = " + Now() +
                  ", started_at = CASE WHEN ?2 = 'running' THEN coalesce(started_at, " + Now() +
                  ") ELSE started_at END, finished_at = CASE WHEN ?4 THEN " + Now() +
                  " ELSE NULL END WHERE id = ?1 AND state IN ('queued', 'running')"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, JobStateName(state)));
  RETURN_IF_ERROR(stmt.Bind(3, error));
  RETURN_IF_ERROR(stmt.Bind(4, int64_t{IsEnding(state) ? 1 : 0}));
  RETURN_IF_ERROR(stmt.Run());
  if (db_.ChangedRows() > 0) return OkStatus();
  ASSIGN_OR_RETURN(JobRow row, Get(id));
  return FailedPreconditionError(internal::RowName("job", id) + " has already ended (" +
                                 std::string(JobStateName(row.state)) + ")");
}

Status JobTable::UpdateProgress(int64_t id, const JobProgress& progress) {
  if (progress.pages_done < 0 || progress.chunks_total < 0 || progress.chunks_done < 0 ||
      progress.chunks_done > progress.chunks_total) {
    return InvalidArgumentError("job progress " + std::to_string(progress.chunks_done) + "/" +
                                std::to_string(progress.chunks_total) + " chunks, " +
                                std::to_string(progress.pages_done) + " pages is not valid");
  }
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("UPDATE jobs SET pages_done = ?2, chunks_total = ?3, "
                               "chunks_done = ?4, updated_at = " + Now() + " WHERE id = ?1"));
  RETURN_IF_ERROR(stmt.Bind(1, id));
  RETURN_IF_ERROR(stmt.Bind(2, progress.pages_done));
  RETURN_IF_ERROR(stmt.Bind(3, progress.chunks_total));
  RETURN_IF_ERROR(stmt.Bind(4, progress.chunks_done));
  RETURN_IF_ERROR(stmt.Run());
  return internal::ExpectChanged(db_, internal::RowName("job", id));
}

StatusOr<std::vector<JobRow>> JobTable::ListUnfinished() {
  return ListWhere("state IN ('queued', 'running') ORDER BY id", std::nullopt);
}

StatusOr<std::vector<JobRow>> JobTable::ListByWorkspace(int64_t workspace_id) {
  return ListWhere("workspace_id = ?1 ORDER BY id DESC", workspace_id);
}

StatusOr<std::vector<JobRow>> JobTable::ListWhere(std::string_view where_and_order,
                                                  std::optional<int64_t> parameter) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT " + std::string(kColumns) +
                                               " FROM jobs WHERE " +
                                               std::string(where_and_order)));
  if (parameter) RETURN_IF_ERROR(stmt.Bind(1, *parameter));
  std::vector<JobRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) break;
    rows.push_back(ReadRow(stmt));
  }
  return rows;
}

}  // namespace hearth
