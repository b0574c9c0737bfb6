#include "app/restore.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <system_error>
#include <vector>

#include "base/escaping.h"
#include "base/paths.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "store/backup_manifest.h"
#include "store/database.h"
#include "store/file_copy.h"
#include "store/home_lock.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

constexpr char kStaging[] = ".restore-staging";
// What a home holds that a restore replaces (hearth.db is handled apart).
constexpr const char* kReplacedFolders[] = {"documents", "models"};

std::string Quote(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

StatusOr<std::string> ReadSmallFile(const fs::path& path, uint64_t max_bytes) {
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!file.valid()) return PosixError(errno, "cannot open " + Quote(path));
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t got = ::read(file.get(), buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return PosixError(errno, "cannot read " + Quote(path));
    if (got == 0) return text;
    text.append(buffer, static_cast<size_t>(got));
    if (text.size() > max_bytes) {
      return FailedPreconditionError(Quote(path) +
                                     " is larger than any backup manifest; "
                                     "this is not a hearth backup");
    }
  }
}

StatusOr<BackupManifest> ReadManifest(const fs::path& directory) {
  const fs::path path = directory / BackupManifest::kFileName;
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return NotFoundError("there is no backup directory " + Quote(directory));
  }
  if (!fs::exists(path, error)) {
    return FailedPreconditionError(Quote(directory) +
                                   " is not a complete hearth backup: it has "
                                   "no MANIFEST (the backup did not finish, or this is another "
                                   "directory); nothing was restored");
  }
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, BackupManifest::kMaxBytes));
  StatusOr<BackupManifest> manifest = BackupManifest::Parse(text);
  if (!manifest.ok()) return manifest.status().WithContext(Quote(path) + "; nothing was restored");
  return manifest;
}

// True if `folder` holds a regular file outside its tmp/ folders (writes in
// progress or left by a crash do not count as data).
bool HoldsFiles(const fs::path& folder) {
  std::error_code error;
  for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code type_error;
    if (it->is_directory(type_error) && it->path().filename() == "tmp") {
      it.disable_recursion_pending();
    } else if (it->is_regular_file(type_error)) {
      return true;
    }
  }
  return false;
}

Status CheckHomeIsEmpty(const fs::path& home) {
  std::error_code error;
  bool holds_data = fs::exists(home / "hearth.db", error);
  for (const char* folder : kReplacedFolders) holds_data = holds_data || HoldsFiles(home / folder);
  if (!holds_data) return OkStatus();
  return FailedPreconditionError(Quote(home) +
                                 " already holds hearth data; restore into an empty "
                                 "home (set HEARTH_HOME), or add --force to replace it");
}

Status Mismatch(const BackupFile& file, const CopiedFile& copied) {
  return FailedPreconditionError("the backup is damaged: " + QuoteForDisplay(file.path) + " has " +
                                 std::to_string(copied.bytes) + " bytes with SHA-256 " +
                                 copied.digest.Hex() + ", the manifest says " +
                                 std::to_string(file.bytes) + " bytes with " + file.digest.Hex() +
                                 "; nothing was restored");
}

Status StageFile(const fs::path& directory, const fs::path& staging, const BackupFile& file) {
  ASSIGN_OR_RETURN(fs::path source, SafeJoin(directory, file.path));
  const fs::path target = staging / file.path;
  RETURN_IF_ERROR(EnsureDirectory(target.parent_path()));
  StatusOr<CopiedFile> copied = CopyFileDurably(source, target);
  if (copied.status().code() == StatusCode::kNotFound) {
    return FailedPreconditionError("the backup is incomplete: " + QuoteForDisplay(file.path) +
                                   " is missing; nothing was restored");
  }
  if (!copied.ok()) return copied.status();
  if (copied->bytes != file.bytes || copied->digest != file.digest) return Mismatch(file, *copied);
  return OkStatus();
}

// Opens the staged database as the server will (an older schema is
// migrated) and runs SQLite's integrity check on it.
Status CheckStagedDatabase(const fs::path& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open({.path = path}));
  ASSIGN_OR_RETURN(std::vector<std::string> problems, db->IntegrityProblems());
  if (problems.empty()) return OkStatus();
  return FailedPreconditionError("the backup's database fails SQLite's integrity check (" +
                                 problems.front() + "); nothing was restored");
}

Status Stage(const fs::path& directory, const fs::path& staging, const BackupManifest& manifest) {
  RETURN_IF_ERROR(EnsureDirectory(staging));
  for (const BackupFile& file : manifest.files)
    RETURN_IF_ERROR(StageFile(directory, staging, file));
  return CheckStagedDatabase(staging / "hearth.db");
}

Status RemoveIfPresent(const fs::path& path) {
  std::error_code error;
  fs::remove_all(path, error);
  if (error) return PosixError(error.value(), "cannot remove " + Quote(path));
  return OkStatus();
}

Status MoveInto(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return PosixError(errno, "cannot move " + Quote(from) + " to " + Quote(to));
  }
  return OkStatus();
}

// Replaces the home's data by the staged data. The old database's -wal and
// -shm go first: applied to the restored database they would corrupt it.
Status SwapIn(const fs::path& staging, const fs::path& home) {
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    RETURN_IF_ERROR(RemoveIfPresent(home / (std::string("hearth.db") + suffix)));
  }
  RETURN_IF_ERROR(RemoveIfPresent(home / "index"));  // derived; rebuilt at the next start
  for (const char* folder : kReplacedFolders) {
    RETURN_IF_ERROR(RemoveIfPresent(home / folder));
    std::error_code error;
    if (fs::exists(staging / folder, error))
      RETURN_IF_ERROR(MoveInto(staging / folder, home / folder));
  }
  RETURN_IF_ERROR(MoveInto(staging / "hearth.db", home / "hearth.db"));
  RETURN_IF_ERROR(SyncDirectory(home));
  return RemoveIfPresent(staging);
}

}  // namespace

StatusOr<RestoreSummary> RestoreBackup(const fs::path& directory, const fs::path& home,
                                       const RestoreOptions& options) {
  ASSIGN_OR_RETURN(BackupManifest manifest, ReadManifest(directory));
  RETURN_IF_ERROR(EnsureDirectory(home));
  ASSIGN_OR_RETURN(HomeLock lock, HomeLock::Acquire(home, HomeLock::Mode::kExclusive));
  if (!options.force) RETURN_IF_ERROR(CheckHomeIsEmpty(home));
  const fs::path staging = home / kStaging;
  RETURN_IF_ERROR(RemoveIfPresent(staging));  // left by a restore that crashed
  Status staged = Stage(directory, staging, manifest);
  if (!staged.ok()) {
    RemoveIfPresent(staging).IgnoreError();
    return staged;
  }
  RETURN_IF_ERROR(SwapIn(staging, home));
  return RestoreSummary{.files = manifest.files.size(), .bytes = manifest.TotalBytes()};
}

}  // namespace hearth
