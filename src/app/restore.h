// RestoreBackup: `hearth restore DIR` — brings a backup made by
// CreateBackup (app/backup.h) back into a hearth data directory.
//
// The order is what makes it safe:
//   1. the home's lock is taken exclusively: a running server (or backup)
//      makes the restore fail with Unavailable, and no server starts while
//      it runs;
//   2. a home that already holds data (a database, an original, a model) is
//      refused unless `force`;
//   3. DIR/MANIFEST is read and checked (store/backup_manifest.h);
//   4. every file is copied into $HEARTH_HOME/.restore-staging and its size
//      and SHA-256 compared with the manifest; the staged database must pass
//      SQLite's integrity check (an older schema is migrated);
//   5. only then the home's database (with its -wal and -shm), originals,
//      models and vector indexes are replaced by the staged ones.
// Any error before step 5 deletes the staging folder and leaves the home as
// it was. The vector indexes are rebuilt from the database at the next start.
//
// Thread-safety: run it from one thread.
//
// Example:
//   ASSIGN_OR_RETURN(RestoreSummary summary,
//                    RestoreBackup("/mnt/backups/monday", home, {.force = false}));
#ifndef HEARTH_APP_RESTORE_H_
#define HEARTH_APP_RESTORE_H_

#include <cstdint>
#include <filesystem>

#include "base/status.h"

namespace hearth {

struct RestoreOptions {
  // Replace a home that already holds data (its data is deleted).
  bool force = false;
};

struct RestoreSummary {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Errors: Unavailable when a server or backup is using `home`;
// FailedPrecondition when `home` holds data and !force, when `directory` is
// not a complete backup, or when a file in it does not match the manifest
// (the message names the file); InsufficientStorage when the home's disk
// fills up; other file system errors. In every error case `home` is left as
// it was.
StatusOr<RestoreSummary> RestoreBackup(const std::filesystem::path& directory,
                                       const std::filesystem::path& home,
                                       const RestoreOptions& options);

}  // namespace hearth

#endif  // HEARTH_APP_RESTORE_H_
