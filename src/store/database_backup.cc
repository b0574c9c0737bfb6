#include "store/database_backup.h"

#include <sqlite3.h>

#include <memory>
#include <string>
#include <system_error>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "store/statement.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

struct CloseConnection {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseConnection>;

std::string Quote(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

Status SqliteStatus(int rc, std::string_view what, sqlite3* db) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return InsufficientStorageError(internal::DiskFullMessage(detail));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(std::string(what) + ": the database stayed locked (" + detail +
                              "); retry");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return FailedPreconditionError(std::string(what) + ": " + detail);
    default:
      return InternalError(std::string(what) + ": " + detail);
  }
}

StatusOr<Connection> OpenConnection(const fs::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "cannot open " + Quote(path), db.get());
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? OkStatus() : SqliteStatus(rc, what, db);
}

// Copies every page in one step, so the whole copy is one read transaction
// on the source (one snapshot); a busy source is retried until the timeout.
Status CopyPages(sqlite3* source, sqlite3* target, std::chrono::milliseconds busy_timeout) {
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
  if (backup == nullptr)
    return SqliteStatus(sqlite3_errcode(target), "cannot start the backup", target);
  int rc = SQLITE_OK;
  constexpr int kRetryMillis = 50;
  for (int64_t waited = 0;; waited += kRetryMillis) {
    rc = sqlite3_backup_step(backup, -1);
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= busy_timeout.count()) break;
    sqlite3_sleep(kRetryMillis);
  }
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteStatus(rc, "copying the database", target);
  if (finished != SQLITE_OK) return SqliteStatus(finished, "copying the database", target);
  return OkStatus();
}

Status CheckIntegrity(sqlite3* db, const fs::path& path) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "checking the copy", db);
  rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) return SqliteStatus(rc, "checking the copy", db);
  const std::string first = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
  if (first == "ok") return OkStatus();
  return FailedPreconditionError("the copy " + Quote(path) + " fails SQLite's integrity check (" +
                                 first + "); the source database may be damaged: run hearth check");
}

Status Copy(const fs::path& source, const fs::path& target,
            std::chrono::milliseconds busy_timeout) {
  ASSIGN_OR_RETURN(Connection from, OpenConnection(source, SQLITE_OPEN_READWRITE));
  sqlite3_busy_timeout(from.get(), static_cast<int>(busy_timeout.count()));
  ASSIGN_OR_RETURN(Connection to,
                   OpenConnection(target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  RETURN_IF_ERROR(CopyPages(from.get(), to.get(), busy_timeout));
  from.reset();
  // A standalone file: the copied header says WAL; rollback mode needs no
  // -wal or -shm beside it. synchronous=FULL flushes it at the commit.
  RETURN_IF_ERROR(Exec(to.get(), "PRAGMA synchronous = FULL; PRAGMA journal_mode = DELETE;",
                       "finishing the copy"));
  RETURN_IF_ERROR(CheckIntegrity(to.get(), target));
  const int rc = sqlite3_close(to.release());
  if (rc != SQLITE_OK) return SqliteStatus(rc, "closing the copy", nullptr);
  return OkStatus();
}

}  // namespace

Status BackupDatabase(const fs::path& source, const fs::path& target,
                      std::chrono::milliseconds busy_timeout) {
  std::error_code error;
  if (!fs::is_regular_file(source, error)) {
    return NotFoundError("there is no database at " + Quote(source));
  }
  if (fs::symlink_status(target, error).type() != fs::file_type::not_found) {
    return AlreadyExistsError(Quote(target) + " already exists; back up into a new directory");
  }
  Status copied = Copy(source, target, busy_timeout);
  if (!copied.ok()) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      fs::remove(fs::path(target.string() + suffix), error);
    }
  }
  return copied;
}

}  // namespace hearth
