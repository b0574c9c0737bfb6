// BackupManifest: the table of contents of a `hearth backup` directory, the
// file MANIFEST written last (so a backup without it is incomplete):
//
//   hearth-backup 1
//   file <sha256 hex> <bytes> hearth.db
//   file <sha256 hex> <bytes> documents/blobs/sha256-<hex>
//   file <sha256 hex> <bytes> models/manifests/registry.ollama.ai/library/x/latest
//   ...
//   end <sha256 hex of every byte above this line>
//
// Parse() trusts nothing in it: the format version, every field, the
// closing checksum (a damaged or truncated manifest is refused) and every
// path — relative, no "..", no control characters, and only where a backup
// puts files (hearth.db, documents/blobs/sha256-*, models/blobs/sha256-*,
// models/manifests/...), each at most once, hearth.db exactly once.
//
// Thread-safety: a plain value.
//
// Example:
//   BackupManifest manifest;
//   manifest.files.push_back({"hearth.db", digest, bytes});
//   std::string text = manifest.Serialize();
//   ASSIGN_OR_RETURN(BackupManifest read, BackupManifest::Parse(text));
#ifndef HEARTH_STORE_BACKUP_MANIFEST_H_
#define HEARTH_STORE_BACKUP_MANIFEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/digest.h"

namespace hearth {

struct BackupFile {
  std::string path;  // relative to the backup (and to $HEARTH_HOME)
  Digest digest;
  uint64_t bytes = 0;
};

struct BackupManifest {
  // The manifest's file name inside a backup directory.
  static constexpr char kFileName[] = "MANIFEST";
  // Larger manifests are refused before they are read.
  static constexpr uint64_t kMaxBytes = 64ull << 20;

  std::vector<BackupFile> files;

  // The text above, with the closing checksum.
  std::string Serialize() const;

  // Errors: FailedPrecondition "the backup manifest is damaged: ..." naming
  // the line and what is wrong with it.
  static StatusOr<BackupManifest> Parse(std::string_view text);

  // The sum of the files' sizes.
  uint64_t TotalBytes() const;
};

// True if a backup may hold a file at `path` (see the file comment).
bool IsBackupPath(std::string_view path);

}  // namespace hearth

#endif  // HEARTH_STORE_BACKUP_MANIFEST_H_
