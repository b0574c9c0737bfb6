#include "store/database.h"

#include <sqlite3.h>

#include <string>

#include "base/logging.h"
#include "base/status_macros.h"
#include "store/migrations.h"

namespace hearth {
namespace {

Status SqliteError(sqlite3* db, std::string_view what) {
  return InternalError(std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

Database::Database(sqlite3* db) : db_(db) {}

Database::~Database() { sqlite3_close_v2(db_); }

StatusOr<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  std::unique_ptr<Database> db(new Database(raw));  // owns raw even when rc fails
  if (rc != SQLITE_OK) {
    return UnavailableError("cannot open database " + options.path.string() + ": " +
                            sqlite3_errstr(rc));
  }
  Status configured = db->ConfigureConnection(options);
  if (!configured.ok()) {
    return FailedPreconditionError(options.path.string() +
                                   " is not a usable hearth database: " + configured.message());
  }
  RETURN_IF_ERROR(db->Migrate());
  return db;
}

Status Database::ConfigureConnection(const DatabaseOptions& options) {
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
  sqlite3_extended_result_codes(db_, 1);
  // Reading the schema first makes a file that is not a database fail here,
  // before journal_mode=WAL would try to convert it.
  RETURN_IF_ERROR(EnableAutoVacuumIfEmpty());
  return Execute(
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;");
}

// auto_vacuum can only be chosen before the first table is created.
Status Database::EnableAutoVacuumIfEmpty() {
  ASSIGN_OR_RETURN(Statement count, Prepare("SELECT count(*) FROM sqlite_schema"));
  ASSIGN_OR_RETURN(bool has_row, count.Step());
  const bool empty = has_row && count.ColumnInt(0) == 0;
  count.Reset();  // ends the read before the pragma writes
  if (!empty) return OkStatus();
  return Execute("PRAGMA auto_vacuum = INCREMENTAL");
}

Status Database::ReclaimSpace() { return Execute("PRAGMA incremental_vacuum"); }

Status Database::Execute(std::string_view sql) {
  std::string owned(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return OkStatus();
  std::string message = error != nullptr ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError("database is busy: " + message);
    case SQLITE_FULL:
      return InsufficientStorageError(internal::DiskFullMessage(message));
    default:
      return InternalError("SQL failed: " + message);
  }
}

StatusOr<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, "preparing '" + std::string(sql) + "'");
  return Statement(stmt, std::string(sql));
}

StatusOr<int> Database::SchemaVersion() {
  ASSIGN_OR_RETURN(Statement stmt, Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return InternalError("PRAGMA user_version returned no row");
  return static_cast<int>(stmt.ColumnInt(0));
}

StatusOr<std::vector<std::string>> Database::IntegrityProblems() {
  ASSIGN_OR_RETURN(Statement stmt, Prepare("PRAGMA integrity_check"));
  std::vector<std::string> problems;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return problems;
    std::string line = stmt.ColumnText(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int64_t Database::ChangedRows() const { return sqlite3_changes64(db_); }

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Database::Migrate() {
  ASSIGN_OR_RETURN(int current, SchemaVersion());
  std::span<const internal::Migration> migrations = internal::AllMigrations();
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return FailedPreconditionError("database schema version " + std::to_string(current) +
                                   " is newer than this hearth knows (" + std::to_string(latest) +
                                   "); upgrade hearth or restore a backup");
  }
  for (const internal::Migration& migration : migrations) {
    if (migration.version <= current) continue;
    std::string sql = "BEGIN IMMEDIATE;" + std::string(migration.sql) +
                      "PRAGMA user_version = " + std::to_string(migration.version) + ";COMMIT;";
    Status applied = Execute(sql);
    if (!applied.ok()) {
      (void)Execute("ROLLBACK");
      return applied.WithContext("applying migration " + std::to_string(migration.version) +
                                 " (" + std::string(migration.name) + ")");
    }
    HEARTH_LOG(INFO) << "database migrated to version " << migration.version << " ("
                     << migration.name << ")";
  }
  return OkStatus();
}

}  // namespace hearth
