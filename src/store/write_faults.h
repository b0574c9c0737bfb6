// Test-only fault injection: makes hearth's writes fail as they fail on a
// full disk once a budget of bytes is spent, so that the disk-full paths
// (uploads, ingestion, chat history) can be tested end to end without a
// small file system.
//
// Nothing is injected unless InstallWriteFaults() runs; `hearth serve` calls
// it only when HEARTH_TEST_DISK_FULL_BLOB_BYTES or
// HEARTH_TEST_DISK_FULL_DB_BYTES is set (and logs a warning that it did).
// What production pays: nothing for SQLite (the shim VFS exists only once
// installed) and one relaxed atomic load per BlobWriter::Append.
//
// Budgets (unset = unlimited):
//   blob_bytes      bytes that BlobWriter::Append may write, summed over every
//                   writer in the process. The Append that would go past it
//                   writes nothing and fails with ENOSPC (InsufficientStorage).
//   database_bytes  bytes that SQLite may write to database, WAL and journal
//                   files of connections opened after the call. The write
//                   that would go past it fails with SQLITE_FULL, which
//                   Statement and Database report as InsufficientStorage.
// Once a write has failed its budget stays at zero: the disk stays full
// until the process ends (or, in unit tests, until the next install).
//
// Thread model: call InstallWriteFaults before the threads that write start
// and before the database connections it should cover are opened; the budget
// checks themselves are thread-safe.
//
// Example (what `hearth serve` does):
//   ASSIGN_OR_RETURN(bool injected, InstallWriteFaultsFromEnvironment(Environment::Process()));
#ifndef HEARTH_STORE_WRITE_FAULTS_H_
#define HEARTH_STORE_WRITE_FAULTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/environment.h"
#include "base/status.h"

namespace hearth {

struct WriteFaultOptions {
  std::optional<uint64_t> blob_bytes;
  std::optional<uint64_t> database_bytes;
};

// Installs (or, called again, replaces) the budgets. A database budget makes
// the shim VFS SQLite's default. Errors: Internal if SQLite refuses the VFS.
Status InstallWriteFaults(const WriteFaultOptions& options);

// Reads the budgets from HEARTH_TEST_DISK_FULL_BLOB_BYTES and
// HEARTH_TEST_DISK_FULL_DB_BYTES (byte sizes: "100000", "64KiB") and installs
// them when either is set. Returns whether it installed anything.
// Errors: InvalidArgument naming the variable when a value does not parse.
StatusOr<bool> InstallWriteFaultsFromEnvironment(const Environment& env);

namespace internal {

// For BlobWriter: takes `bytes` from the blob budget; false when the write
// must fail as on a full disk. Always true unless a blob budget is installed.
bool SpendBlobWriteBudget(size_t bytes);

}  // namespace internal

}  // namespace hearth

#endif  // HEARTH_STORE_WRITE_FAULTS_H_
