// hearth's SQLite database: the source of truth for users, workspaces,
// documents, messages, settings and model events.
//
// Open() creates the file if needed, sets the durability pragmas (WAL,
// synchronous=FULL, foreign keys on, a busy timeout) and brings the schema up
// to date by applying the migrations in store/migrations.h, each in its own
// transaction. A new (empty) database is created with auto_vacuum =
// INCREMENTAL, so ReclaimSpace() can return freed pages to the file system;
// databases created before that keep their mode (none) until a full VACUUM,
// and ReclaimSpace() does nothing for them. A database written by a newer
// hearth (schema version above what this binary knows) is refused, not
// modified.
//
// Thread model: externally synchronized. The server gives the writer thread
// its own Database; readers open their own connections.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
//                    Database::Open({.path = home / "hearth.db"}));
//   RETURN_IF_ERROR(db->Execute("DELETE FROM settings WHERE key = 'x'"));
#ifndef HEARTH_STORE_DATABASE_H_
#define HEARTH_STORE_DATABASE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/statement.h"

struct sqlite3;

namespace hearth {

struct DatabaseOptions {
  // The database file. Its directory must exist.
  std::filesystem::path path;
  // How long a statement waits for another connection's lock before it
  // fails with Unavailable.
  std::chrono::milliseconds busy_timeout{5000};
};

class Database {
 public:
  // Opens (creating if absent) and migrates the database at options.path.
  // Errors: Unavailable if the file cannot be opened, FailedPrecondition if it
  // is not a SQLite database or comes from a newer hearth; the file is left
  // as it was in both cases.
  static StatusOr<std::unique_ptr<Database>> Open(const DatabaseOptions& options);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more SQL statements that return no rows.
  // Errors: Unavailable when the database stays locked past the busy
  // timeout, InsufficientStorage when the disk is full, Internal otherwise.
  Status Execute(std::string_view sql);

  // Compiles one statement. The Statement must not outlive this Database.
  StatusOr<Statement> Prepare(std::string_view sql);

  // The schema version the database is at (PRAGMA user_version).
  StatusOr<int> SchemaVersion();

  // SQLite's own check of the file (PRAGMA integrity_check): the problems it
  // found, empty when the database is sound.
  StatusOr<std::vector<std::string>> IntegrityProblems();

  // The rowid of the last successful INSERT on this connection.
  int64_t LastInsertRowId() const;

  // Rows changed by the last INSERT, UPDATE or DELETE (not counting
  // triggers or foreign key actions).
  int64_t ChangedRows() const;

  // True while a transaction (BEGIN or SAVEPOINT) is open on this connection.
  bool InTransaction() const;

  // Gives the pages on the free list back to the file system (PRAGMA
  // incremental_vacuum), e.g. after retention deleted old messages. Takes
  // the write lock; run it outside hot paths. A no-op for a database that
  // was created without incremental auto-vacuum (see the file comment).
  // Errors: as Execute().
  Status ReclaimSpace();

 private:
  explicit Database(sqlite3* db);
  Status ConfigureConnection(const DatabaseOptions& options);
  Status EnableAutoVacuumIfEmpty();
  Status Migrate();

  sqlite3* db_;  // owned; closed by the destructor
};

}  // namespace hearth

#endif  // HEARTH_STORE_DATABASE_H_
