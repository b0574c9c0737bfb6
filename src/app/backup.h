// CreateBackup: `hearth backup DIR` — a copy of a hearth data directory that
// RestoreBackup (app/restore.h) can bring back, taken while a server may be
// running and writing.
//
// What it copies into DIR (which must be new or empty):
//   hearth.db                    a snapshot by SQLite's online backup API
//   documents/blobs/sha256-*     every stored original
//   models/blobs/sha256-*        every model blob
//   models/manifests/...         every model manifest
//   MANIFEST                     path, size and SHA-256 of each of the above
//                                (store/backup_manifest.h), written last
// The vector indexes are derived data and are rebuilt from the database;
// temporary files are skipped. Every blob is hashed on the way and must
// match its name, so a damaged original is reported instead of copied.
// Blobs are never modified in place, and originals are never deleted, so
// the snapshot's documents all have their originals in the copy. Model
// manifests are copied before model blobs, so a model created while the
// backup runs is in the copy whole or not at all; one removed meanwhile is
// left out whole (a manifest whose blobs are gone is dropped).
//
// Thread-safety: run it from one thread; the server's threads may keep
// writing. It holds the home's lock shared (store/home_lock.h), so it does
// not run during a restore.
//
// Example:
//   ASSIGN_OR_RETURN(BackupSummary summary, CreateBackup(home, "/mnt/backups/monday"));
#ifndef HEARTH_APP_BACKUP_H_
#define HEARTH_APP_BACKUP_H_

#include <cstdint>
#include <filesystem>

#include "base/status.h"

namespace hearth {

struct BackupSummary {
  uint64_t files = 0;          // MANIFEST not counted
  uint64_t bytes = 0;          // their total size
  uint64_t documents = 0;      // originals among them
  uint64_t model_files = 0;    // model blobs and manifests among them
};

// Errors: NotFound when `home` holds no hearth.db; FailedPrecondition when
// `directory` is not empty or a stored blob does not match its name;
// Unavailable during a restore; InsufficientStorage when the target disk
// fills up; other file system errors. On error the files already copied
// stay in `directory` without a MANIFEST, which RestoreBackup refuses.
StatusOr<BackupSummary> CreateBackup(const std::filesystem::path& home,
                                     const std::filesystem::path& directory);

}  // namespace hearth

#endif  // HEARTH_APP_BACKUP_H_
