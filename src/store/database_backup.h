// BackupDatabase: a consistent copy of a hearth database that other
// connections (a running server) keep reading and writing, taken with
// SQLite's online backup API.
//
// The copy is one snapshot: it is read in a single read transaction, so it
// holds every transaction committed before the backup started and none that
// committed after; writers are not blocked (WAL). The copy is a standalone
// file in rollback-journal mode (no -wal or -shm beside it; Database::Open
// switches it back to WAL), checked with PRAGMA integrity_check and flushed
// to disk before BackupDatabase returns. The caller makes its directory
// entry durable (fsync of the folder) when it needs to.
//
// Thread-safety: uses its own connections; call it from any thread.
//
// Example:
//   RETURN_IF_ERROR(BackupDatabase(home / "hearth.db", backup_dir / "hearth.db"));
#ifndef HEARTH_STORE_DATABASE_BACKUP_H_
#define HEARTH_STORE_DATABASE_BACKUP_H_

#include <chrono>
#include <filesystem>

#include "base/status.h"

namespace hearth {

// Copies the database at `source` to the new file `target`.
// Errors: NotFound when `source` does not exist; AlreadyExists when `target`
// does; FailedPrecondition when `source` is not a SQLite database or the
// copy fails its integrity check; Unavailable when `source` stays locked
// longer than `busy_timeout`; InsufficientStorage for a full disk. On any
// error nothing is left at `target`.
Status BackupDatabase(const std::filesystem::path& source, const std::filesystem::path& target,
                      std::chrono::milliseconds busy_timeout = std::chrono::seconds(30));

}  // namespace hearth

#endif  // HEARTH_STORE_DATABASE_BACKUP_H_
