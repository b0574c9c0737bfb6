// CopyFileDurably: copies one file to a new name, hashing the bytes on the
// way, and flushes the copy to disk — the building block of `hearth backup`
// and `hearth restore`, which compare the digest with the blob's name or the
// backup's manifest.
//
// The copy is created with O_EXCL (mode 0600), written, fsynced and closed;
// on any error it is deleted. Making the new directory entry durable is the
// caller's job (SyncDirectory once per folder, after its last copy).
//
// Thread-safety: stateless; call from any thread.
//
// Example:
//   ASSIGN_OR_RETURN(CopiedFile copied, CopyFileDurably(from, to));
//   if (copied.digest != expected) ...
#ifndef HEARTH_STORE_FILE_COPY_H_
#define HEARTH_STORE_FILE_COPY_H_

#include <cstdint>
#include <filesystem>

#include "base/status.h"
#include "store/digest.h"

namespace hearth {

struct CopiedFile {
  Digest digest;       // SHA-256 of the bytes copied
  uint64_t bytes = 0;  // how many
};

// Copies the regular file `source` (a symbolic link is refused) to the new
// file `target`, whose folder must exist.
// Errors: NotFound when `source` is missing; InvalidArgument when it is not
// a regular file; AlreadyExists when `target` exists; InsufficientStorage
// for a full disk; other file system errors as PosixError codes.
StatusOr<CopiedFile> CopyFileDurably(const std::filesystem::path& source,
                                     const std::filesystem::path& target);

// Hashes the file at `path` without copying it. Errors as for the source of
// CopyFileDurably.
StatusOr<CopiedFile> HashFile(const std::filesystem::path& path);

// fsyncs the folder `directory`, so that entries created or renamed in it
// survive a crash. Errors: the file system's.
Status SyncDirectory(const std::filesystem::path& directory);

}  // namespace hearth

#endif  // HEARTH_STORE_FILE_COPY_H_
