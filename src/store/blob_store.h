// The blob store: immutable files named by the SHA-256 of their content, laid
// out as Ollama lays out its model store:
//
//   <root>/blobs/sha256-<64 hex>   one file per distinct content, mode 0600
//   <root>/blobs/tmp/              writes in progress (same file system)
//
// Directories are created with mode 0700. A blob is written to a temporary
// file in blobs/tmp/, flushed to disk, verified against its digest, and only
// then renamed to its final name, so a file under a final name is always
// complete and correct: a crash, a failed write, an abandoned writer or a
// digest mismatch leaves nothing under a final name (and, except after a
// crash or an interrupted resumable download, nothing in tmp/ either). Blobs
// are never modified in place; storing the same content twice keeps one file.
//
// Temporary files a crash left behind are removed by Open() once they have
// not been modified for BlobStoreOptions::stale_temp_age (a day by default):
// an active writer touches its file with every Append, so it is never
// mistaken for a stale one, and a day leaves room for a resumable pull
// (ResumeWriter) to pick an interrupted file up again.
//
// Thread model: BlobStore is thread-safe; its methods keep no mutable state
// and work on the file system only. Two writers that commit the same content
// at the same time both succeed with one file as the result. A BlobWriter is
// externally synchronized (one thread at a time) and must not outlive the
// BlobStore that made it.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<BlobStore> blobs,
//                    BlobStore::Open({.root = home / "models"}));
//   ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, blobs->NewWriter());
//   while (has_more) RETURN_IF_ERROR(writer->Append(chunk));
//   ASSIGN_OR_RETURN(Digest digest, writer->Commit(layer_digest));
//   ASSIGN_OR_RETURN(std::filesystem::path file, blobs->PathOf(digest));

#ifndef HEARTH_STORE_BLOB_STORE_H_
#define HEARTH_STORE_BLOB_STORE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>

#include "base/status.h"
#include "base/unique_fd.h"
#include "store/digest.h"

namespace hearth {

struct BlobStoreOptions {
  // The directory that holds blobs/ (for models: $HEARTH_HOME/models). It and
  // blobs/ and blobs/tmp/ are created, mode 0700, when missing.
  std::filesystem::path root;
  // Open() deletes files in blobs/tmp/ not modified for this long: leftovers
  // of writers that crashed. Zero keeps every temporary file.
  std::chrono::seconds stale_temp_age = std::chrono::hours(24);
};

class BlobWriter;

class BlobStore {
 public:
  // Opens the store under options.root, creating its directories and
  // removing stale temporary files (see above).
  // Errors: InvalidArgument for an empty root; PermissionDenied when a
  // directory cannot be created or blobs/ or blobs/tmp/ is not writable;
  // FailedPrecondition when a path component exists but is not a directory.
  static StatusOr<std::unique_ptr<BlobStore>> Open(const BlobStoreOptions& options);

  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  // Starts writing a new blob into a fresh temporary file (mode 0600).
  // Errors: the file system's, e.g. PermissionDenied, ResourceExhausted.
  StatusOr<std::unique_ptr<BlobWriter>> NewWriter();

  // Starts or continues writing the blob `expected`, for a download that may
  // be interrupted and resumed. The temporary file is named after the digest
  // (blobs/tmp/partial-sha256-<hex>); bytes a previous writer left there are
  // read and hashed again, and bytes_written() starts at their count, which
  // the caller sends as the start of its HTTP Range. Unlike NewWriter's, the
  // file is kept when the writer is destroyed without Commit (an interrupted
  // transfer), so the next ResumeWriter for the digest continues it; Abort()
  // deletes it, and so do a failed Append and a failed Commit (a digest
  // mismatch). The file is locked while a writer holds it.
  // Errors: Unavailable when another writer (in this or another process)
  // holds the file; the file system's otherwise.
  StatusOr<std::unique_ptr<BlobWriter>> ResumeWriter(const Digest& expected);

  // Deletes the partial file ResumeWriter keeps for `expected`, if there is
  // one. Errors: Unavailable when a writer holds it; the file system's.
  Status RemovePartial(const Digest& expected);

  // True if the blob is stored. Errors while looking count as "not stored".
  bool Contains(const Digest& digest) const;

  // The absolute path of the stored blob, for reading (e.g. by llama.cpp).
  // Errors: NotFound when the blob is not stored; PermissionDenied when its
  // name is a symbolic link that leads outside blobs/.
  StatusOr<std::filesystem::path> PathOf(const Digest& digest) const;

  // The size in bytes of the stored blob. Errors as for PathOf.
  StatusOr<uint64_t> SizeOf(const Digest& digest) const;

  // Deletes the blob. Readers that opened it keep their open file.
  // Errors: NotFound when it is not stored; the file system's otherwise.
  Status Remove(const Digest& digest);

  // Copies the regular file `source` into the store, hashing it on the way,
  // and returns its digest. The source is not modified. `source` is a path
  // the caller trusts (a command-line argument); a name that came with a
  // request must pass SafeJoin (base/paths.h) first.
  // Errors: NotFound if `source` does not exist; InvalidArgument if it is not
  // a regular file; read and write errors as Status, with nothing stored.
  StatusOr<Digest> ImportFile(const std::filesystem::path& source);

 private:
  explicit BlobStore(std::filesystem::path blobs_dir);
  StatusOr<std::filesystem::path> FindBlob(const Digest& digest, uint64_t* size) const;

  const std::filesystem::path blobs_dir_;  // <root>/blobs, canonical
  const std::filesystem::path temp_dir_;   // <root>/blobs/tmp
};

// One blob being written. Obtained from BlobStore::NewWriter() or
// BlobStore::ResumeWriter().
//
// Bytes are appended, then Commit() makes them a blob. Destroying a writer
// that was not committed deletes its temporary file (a resumable writer's is
// kept for the next ResumeWriter). After any error from Append or Commit the
// temporary file is already gone and the writer only reports
// FailedPrecondition; start over with a new writer.
class BlobWriter {
 public:
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;
  ~BlobWriter();

  // Writes `bytes` at the end of the blob and adds them to its hash.
  // Errors: the file system's (ResourceExhausted for a full disk, ...);
  // FailedPrecondition after an earlier error or after Commit.
  Status Append(std::span<const uint8_t> bytes);

  // Flushes the data to disk, computes the digest and, if `expected` is given
  // and differs, fails with FailedPrecondition "digest mismatch: expected ...,
  // got ..." and deletes the data. Otherwise renames the file to its final
  // name (dropping it instead if that blob is already stored) and returns the
  // digest. Call at most once.
  StatusOr<Digest> Commit(std::optional<Digest> expected = std::nullopt);

  // Deletes the data written so far, a resumable writer's included (e.g.
  // when the data turned out to be wrong). The writer then only reports
  // FailedPrecondition. Does nothing after Commit.
  void Abort();

  // How many bytes the blob has so far: appended by this writer plus, for a
  // resumed one, those found in its temporary file.
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  friend class BlobStore;
  enum class State { kWriting, kCommitted, kFailed };

  BlobWriter(std::filesystem::path blobs_dir, std::filesystem::path temp_path, UniqueFd file);
  // Hashes the `size` bytes already in the file and continues after them.
  Status Resume(uint64_t size);
  Status CheckWriting() const;
  StatusOr<Digest> Finish(const std::optional<Digest>& expected);
  Status Publish(const Digest& digest);
  void Discard();

  const std::filesystem::path blobs_dir_;
  std::filesystem::path temp_path_;  // empty once renamed or deleted
  UniqueFd file_;
  Sha256 hasher_;
  uint64_t bytes_written_ = 0;
  State state_ = State::kWriting;
  bool keep_when_abandoned_ = false;  // a resumable writer's partial file
};

}  // namespace hearth

#endif  // HEARTH_STORE_BLOB_STORE_H_
