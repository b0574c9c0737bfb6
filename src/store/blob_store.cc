#include "store/blob_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "base/escaping.h"
#include "base/logging.h"
#include "base/paths.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "store/file_copy.h"
#include "store/write_faults.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

constexpr size_t kImportBufferBytes = 1 << 20;

// Paths built by hearth (not taken from a request) are shown whole.
std::string QuotePath(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

// Checks with the effective ids, the ones the kernel applies to our writes.
Status CheckWritable(const fs::path& directory) {
  if (::faccessat(AT_FDCWD, directory.c_str(), W_OK | X_OK, AT_EACCESS) == 0) return OkStatus();
  const int error = errno;
  return Status(StatusCodeForErrno(error),
                "blob directory " + QuotePath(directory) + " is not writable: " +
                    ErrnoMessage(error) +
                    "; fix its owner or permissions, or choose another data directory");
}

// Deletes leftovers of crashed writers; best effort, as nothing depends on it.
void RemoveStaleTemporaryFiles(const fs::path& temp_dir, std::chrono::seconds stale_age) {
  if (stale_age.count() <= 0) return;
  const fs::file_time_type cutoff = fs::file_time_type::clock::now() - stale_age;
  std::error_code error;
  int removed = 0;
  for (fs::directory_iterator it(temp_dir, error), end; !error && it != end; it.increment(error)) {
    std::error_code entry_error;
    if (!it->is_regular_file(entry_error) || it->last_write_time(entry_error) > cutoff) continue;
    if (!entry_error && fs::remove(it->path(), entry_error)) ++removed;
  }
  if (error) {
    HEARTH_LOG(WARNING) << "cannot list " << QuotePath(temp_dir) << " for stale temporary files: "
                        << error.message();
  }
  if (removed > 0) {
    HEARTH_LOG(INFO) << "removed " << removed << " stale temporary blob file(s) from "
                     << QuotePath(temp_dir);
  }
}

// Makes the directories Open() may just have created durable, so that a
// blob renamed into blobs/ and fsynced cannot vanish with its directory.
Status SyncNewDirectories(const fs::path& root) {
  RETURN_IF_ERROR(SyncDirectory(root / "blobs"));
  RETURN_IF_ERROR(SyncDirectory(root));
  // The root's own entry: best effort, as its parent may not be ours to open.
  std::error_code error;
  const fs::path parent = fs::absolute(root, error).parent_path();
  if (!error) SyncDirectory(parent).IgnoreError();
  return OkStatus();
}

Status WriteError(int error, const fs::path& path) {
  if (error == ENOSPC || error == EDQUOT) {
    return PosixError(error, "the disk holding " + QuotePath(path.parent_path()) +
                                 " is full; nothing was stored; free space and retry");
  }
  return PosixError(error, "cannot write blob data to " + QuotePath(path));
}

Status WriteAll(int fd, std::span<const uint8_t> bytes, const fs::path& path) {
  if (!internal::SpendBlobWriteBudget(bytes.size())) return WriteError(ENOSPC, path);
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return WriteError(written < 0 ? errno : EIO, path);
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
  return OkStatus();
}

// Opens `source` for reading and checks that it is a regular file. O_NONBLOCK
// keeps a FIFO from blocking the open; it changes nothing for regular files.
StatusOr<UniqueFd> OpenRegularFile(const fs::path& source) {
  UniqueFd file(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!file.valid()) return PosixError(errno, "cannot open " + QuotePath(source) + " to import it");
  struct stat info{};
  if (::fstat(file.get(), &info) != 0) {
    return PosixError(errno, "cannot inspect " + QuotePath(source));
  }
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgumentError("cannot import " + QuotePath(source) +
                                ": it is not a regular file");
  }
  return file;
}

StatusOr<size_t> ReadSome(int fd, std::span<uint8_t> buffer, const fs::path& source) {
  while (true) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return PosixError(errno, "cannot read " + QuotePath(source));
  }
}

// Opens (creating) a resumable download's file without following a planted
// symbolic link, and locks it so two writers never append to one file.
StatusOr<UniqueFd> OpenPartialFile(const fs::path& path, const Digest& expected) {
  UniqueFd file(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!file.valid()) return PosixError(errno, "cannot open partial blob file " + QuotePath(path));
  if (::flock(file.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return PosixError(errno, "cannot lock " + QuotePath(path));
    return UnavailableError("blob " + expected.ToString() +
                            " is being downloaded by another pull; wait for it to finish");
  }
  return file;
}

StatusOr<uint64_t> FileSize(int fd, const fs::path& path) {
  struct stat info{};
  if (::fstat(fd, &info) != 0) return PosixError(errno, "cannot inspect " + QuotePath(path));
  if (!S_ISREG(info.st_mode)) {
    return FailedPreconditionError(QuotePath(path) + " is not a regular file; remove it");
  }
  return static_cast<uint64_t>(info.st_size);
}

}  // namespace

BlobStore::BlobStore(fs::path blobs_dir)
    : blobs_dir_(std::move(blobs_dir)), temp_dir_(blobs_dir_ / "tmp") {}

StatusOr<std::unique_ptr<BlobStore>> BlobStore::Open(const BlobStoreOptions& options) {
  if (options.root.empty()) {
    return InvalidArgumentError("the blob store needs a root directory; none was given");
  }
  const fs::path blobs = options.root / "blobs";
  RETURN_IF_ERROR(EnsureDirectory(blobs / "tmp"));
  RETURN_IF_ERROR(SyncNewDirectories(options.root));
  RETURN_IF_ERROR(CheckWritable(blobs));
  RETURN_IF_ERROR(CheckWritable(blobs / "tmp"));
  std::error_code error;
  fs::path canonical = fs::canonical(blobs, error);
  if (error) return PosixError(error.value(), "cannot resolve " + QuotePath(blobs));
  std::unique_ptr<BlobStore> store(new BlobStore(std::move(canonical)));
  RemoveStaleTemporaryFiles(store->temp_dir_, options.stale_temp_age);
  return store;
}

StatusOr<std::unique_ptr<BlobWriter>> BlobStore::NewWriter() {
  std::string pattern = (temp_dir_ / "blob-XXXXXX").string();
  UniqueFd file(::mkostemp(pattern.data(), O_CLOEXEC));  // mode 0600
  if (!file.valid()) {
    return PosixError(errno, "cannot create a temporary blob file in " + QuotePath(temp_dir_));
  }
  return std::unique_ptr<BlobWriter>(
      new BlobWriter(blobs_dir_, fs::path(pattern), std::move(file)));
}

StatusOr<std::unique_ptr<BlobWriter>> BlobStore::ResumeWriter(const Digest& expected) {
  const fs::path path = temp_dir_ / ("partial-" + expected.FileName());
  ASSIGN_OR_RETURN(UniqueFd file, OpenPartialFile(path, expected));
  ASSIGN_OR_RETURN(const uint64_t size, FileSize(file.get(), path));
  std::unique_ptr<BlobWriter> writer(new BlobWriter(blobs_dir_, path, std::move(file)));
  writer->keep_when_abandoned_ = true;
  RETURN_IF_ERROR(writer->Resume(size));
  return writer;
}

Status BlobStore::RemovePartial(const Digest& expected) {
  const fs::path path = temp_dir_ / ("partial-" + expected.FileName());
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!file.valid() && errno == ENOENT) return OkStatus();
  if (!file.valid()) return PosixError(errno, "cannot open partial blob file " + QuotePath(path));
  if (::flock(file.get(), LOCK_EX | LOCK_NB) != 0) {
    return UnavailableError("blob " + expected.ToString() + " is being downloaded by another pull");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return PosixError(errno, "cannot remove partial blob file " + QuotePath(path));
  }
  return OkStatus();
}

// The blob's file name is built from a parsed Digest and so is always safe;
// it still goes through SafeJoin, the one way hearth turns names into paths,
// which also refuses a symbolic link planted in blobs/ that leads elsewhere.
StatusOr<fs::path> BlobStore::FindBlob(const Digest& digest, uint64_t* size) const {
  ASSIGN_OR_RETURN(fs::path path, SafeJoin(blobs_dir_, digest.FileName()));
  struct stat info{};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return NotFoundError("blob " + digest.ToString() +
                           " is not in the store; pull or import the model again");
    }
    return PosixError(errno, "cannot inspect blob file " + QuotePath(path));
  }
  if (!S_ISREG(info.st_mode)) {
    return FailedPreconditionError("blob file " + QuotePath(path) +
                                   " is not a regular file; remove it and pull the model again");
  }
  if (size != nullptr) *size = static_cast<uint64_t>(info.st_size);
  return path;
}

bool BlobStore::Contains(const Digest& digest) const { return FindBlob(digest, nullptr).ok(); }

StatusOr<fs::path> BlobStore::PathOf(const Digest& digest) const {
  return FindBlob(digest, nullptr);
}

StatusOr<uint64_t> BlobStore::SizeOf(const Digest& digest) const {
  uint64_t size = 0;
  ASSIGN_OR_RETURN(fs::path path, FindBlob(digest, &size));
  return size;
}

Status BlobStore::Remove(const Digest& digest) {
  ASSIGN_OR_RETURN(fs::path path, FindBlob(digest, nullptr));
  if (::unlink(path.c_str()) != 0) {
    return PosixError(errno, "cannot remove blob file " + QuotePath(path));
  }
  return OkStatus();
}

StatusOr<Digest> BlobStore::ImportFile(const fs::path& source) {
  ASSIGN_OR_RETURN(UniqueFd in, OpenRegularFile(source));
  ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, NewWriter());
  std::vector<uint8_t> buffer(kImportBufferBytes);
  while (true) {
    ASSIGN_OR_RETURN(size_t got, ReadSome(in.get(), buffer, source));
    if (got == 0) break;
    RETURN_IF_ERROR(writer->Append(std::span(buffer.data(), got)));
  }
  return writer->Commit();
}

BlobWriter::BlobWriter(fs::path blobs_dir, fs::path temp_path, UniqueFd file)
    : blobs_dir_(std::move(blobs_dir)), temp_path_(std::move(temp_path)), file_(std::move(file)) {}

BlobWriter::~BlobWriter() {
  if (keep_when_abandoned_ && state_ == State::kWriting) {
    file_.reset();  // an interrupted download: the next ResumeWriter continues it
    return;
  }
  Discard();
}

// Reads the partial file from the start, so the hash covers exactly the bytes
// on disk; the file offset then stands at its end for the next Append.
Status BlobWriter::Resume(uint64_t size) {
  std::vector<uint8_t> buffer(kImportBufferBytes);
  while (bytes_written_ < size) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size - bytes_written_));
    StatusOr<size_t> got = ReadSome(file_.get(), std::span(buffer.data(), want), temp_path_);
    if (!got.ok() || *got == 0) {
      state_ = State::kFailed;
      Discard();
      return got.ok() ? InternalError("partial blob file " + QuotePath(temp_path_) +
                                      " shrank while it was read; pull again")
                      : got.status();
    }
    hasher_.Update(std::span(buffer.data(), *got));
    bytes_written_ += *got;
  }
  return OkStatus();
}

void BlobWriter::Abort() {
  if (state_ == State::kCommitted) return;
  state_ = State::kFailed;
  Discard();
}

Status BlobWriter::CheckWriting() const {
  switch (state_) {
    case State::kWriting: return OkStatus();
    case State::kCommitted:
      return FailedPreconditionError("this blob writer has already committed; start a new one");
    case State::kFailed: break;
  }
  return FailedPreconditionError(
      "this blob writer failed earlier and discarded its data; start a new one");
}

Status BlobWriter::Append(std::span<const uint8_t> bytes) {
  RETURN_IF_ERROR(CheckWriting());
  Status written = WriteAll(file_.get(), bytes, temp_path_);
  if (!written.ok()) {
    state_ = State::kFailed;
    Discard();
    return written;
  }
  hasher_.Update(bytes);
  bytes_written_ += bytes.size();
  return OkStatus();
}

StatusOr<Digest> BlobWriter::Commit(std::optional<Digest> expected) {
  RETURN_IF_ERROR(CheckWriting());
  StatusOr<Digest> digest = Finish(expected);
  state_ = digest.ok() ? State::kCommitted : State::kFailed;
  Discard();  // after a successful rename there is nothing left to delete
  return digest;
}

StatusOr<Digest> BlobWriter::Finish(const std::optional<Digest>& expected) {
  if (::fsync(file_.get()) != 0) {
    return PosixError(errno, "cannot flush blob data in " + QuotePath(temp_path_) + " to disk");
  }
  if (file_.Close() != 0) return PosixError(errno, "cannot close " + QuotePath(temp_path_));
  const Digest digest = hasher_.Finish();
  if (expected && *expected != digest) {
    return FailedPreconditionError("digest mismatch: expected " + expected->ToString() + ", got " +
                                   digest.ToString() + " for " + std::to_string(bytes_written_) +
                                   " bytes; nothing was stored (the data is corrupt or the "
                                   "manifest is wrong; fetch it again)");
  }
  RETURN_IF_ERROR(Publish(digest));
  return digest;
}

// Renames the verified temporary file to its final name. When a blob with
// this name and size is already there (stored earlier, or by a concurrent
// writer) it is kept and the copy dropped; a file of another size under that
// name cannot be the blob and is replaced.
Status BlobWriter::Publish(const Digest& digest) {
  ASSIGN_OR_RETURN(fs::path final_path, SafeJoin(blobs_dir_, digest.FileName()));
  struct stat existing{};
  if (::stat(final_path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode) &&
      static_cast<uint64_t>(existing.st_size) == bytes_written_) {
    return OkStatus();  // Commit's Discard() drops the temporary copy
  }
  if (::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    return PosixError(errno, "cannot move blob " + digest.ToString() + " into place at " +
                                 QuotePath(final_path));
  }
  temp_path_.clear();
  return SyncDirectory(blobs_dir_);
}

void BlobWriter::Discard() {
  file_.reset();
  if (temp_path_.empty()) return;
  ::unlink(temp_path_.c_str());
  temp_path_.clear();
}

}  // namespace hearth
