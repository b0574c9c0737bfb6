#include "app/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "base/escaping.h"
#include "base/logging.h"
#include "base/paths.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "models/model_manifest.h"
#include "store/backup_manifest.h"
#include "store/database_backup.h"
#include "store/file_copy.h"
#include "store/home_lock.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

std::string Quote(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

Status CheckEmptyTarget(const fs::path& directory) {
  RETURN_IF_ERROR(EnsureDirectory(directory));
  std::error_code error;
  const bool empty = fs::is_empty(directory, error);
  if (error) return PosixError(error.value(), "cannot list " + Quote(directory));
  if (!empty) {
    return FailedPreconditionError(Quote(directory) +
                                   " is not empty; back up into a new or empty directory");
  }
  return OkStatus();
}

// The blobs under home/folder ("documents/blobs"), as paths relative to home.
// Only final names (sha256-<hex>) count: tmp/ holds writes in progress.
StatusOr<std::vector<std::string>> ListBlobs(const fs::path& home, const std::string& folder) {
  std::vector<std::string> names;
  std::error_code error;
  if (!fs::exists(home / folder, error)) return names;
  for (fs::directory_iterator it(home / folder, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code type_error;
    if (it->is_regular_file(type_error) && Digest::Parse(name).ok())
      names.push_back(folder + "/" + name);
  }
  if (error) return PosixError(error.value(), "cannot list " + Quote(home / folder));
  return names;
}

// Every model manifest, relative to home; temporary ones (".tmp-…") skipped.
StatusOr<std::vector<std::string>> ListModelManifests(const fs::path& home) {
  std::vector<std::string> names;
  const fs::path root = home / "models" / "manifests";
  std::error_code error;
  if (!fs::exists(root, error)) return names;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code type_error;
    if (!it->is_regular_file(type_error) || it->path().filename().string().starts_with(".tmp-"))
      continue;
    const std::string relative = fs::relative(it->path(), home, type_error).string();
    if (!type_error && IsBackupPath(relative)) names.push_back(relative);
  }
  if (error) return PosixError(error.value(), "cannot list " + Quote(root));
  return names;
}

Status WriteFileDurably(const fs::path& path, std::string_view text) {
  const fs::path temporary = path.string() + ".tmp";
  UniqueFd file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!file.valid()) return PosixError(errno, "cannot create " + Quote(temporary));
  for (std::string_view rest = text; !rest.empty();) {
    const ssize_t written = ::write(file.get(), rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0)
      return PosixError(written < 0 ? errno : EIO, "cannot write " + Quote(temporary));
    rest.remove_prefix(static_cast<size_t>(written));
  }
  if (::fsync(file.get()) != 0 || file.Close() != 0) {
    return PosixError(errno, "cannot flush " + Quote(temporary) + " to disk");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return PosixError(errno, "cannot rename " + Quote(temporary));
  }
  return SyncDirectory(path.parent_path());
}

// Copies files from a home into a backup directory and lists them.
class BackupCopier {
 public:
  BackupCopier(fs::path home, fs::path target)
      : home_(std::move(home)), target_(std::move(target)) {}

  Status CopyDatabase() {
    RETURN_IF_ERROR(BackupDatabase(home_ / "hearth.db", target_ / "hearth.db"));
    ASSIGN_OR_RETURN(CopiedFile copied, HashFile(target_ / "hearth.db"));
    Record("hearth.db", copied);
    return OkStatus();
  }

  // A blob's content must match its name: a damaged one is not copied.
  Status CopyBlob(const std::string& relative) {
    ASSIGN_OR_RETURN(CopiedFile copied, Copy(relative));
    ASSIGN_OR_RETURN(Digest named, Digest::Parse(fs::path(relative).filename().string()));
    if (copied.digest != named) {
      fs::remove(target_ / relative);
      return FailedPreconditionError(Quote(home_ / relative) +
                                     " does not match its name (its SHA-256 is " +
                                     copied.digest.Hex() +
                                     "): the stored file is damaged; "
                                     "run hearth check, then back up again");
    }
    Record(relative, copied);
    return OkStatus();
  }

  Status CopyPlain(const std::string& relative) {
    ASSIGN_OR_RETURN(CopiedFile copied, Copy(relative));
    Record(relative, copied);
    return OkStatus();
  }

  // Flushes every folder written to, then writes MANIFEST: the backup exists.
  Status Finish() {
    for (const fs::path& folder : folders_) RETURN_IF_ERROR(SyncDirectory(folder));
    return WriteFileDurably(target_ / BackupManifest::kFileName, manifest_.Serialize());
  }

  const BackupManifest& manifest() const { return manifest_; }

  bool Copied(const std::string& relative) const {
    return std::any_of(manifest_.files.begin(), manifest_.files.end(),
                       [&](const BackupFile& file) { return file.path == relative; });
  }

  // Takes a copied file out of the backup again.
  Status Drop(const std::string& relative) {
    std::erase_if(manifest_.files,
                  [&](const BackupFile& file) { return file.path == relative; });
    std::error_code error;
    fs::remove(target_ / relative, error);
    if (error) return PosixError(error.value(), "cannot remove " + Quote(target_ / relative));
    return OkStatus();
  }

  const fs::path& target() const { return target_; }

 private:
  StatusOr<CopiedFile> Copy(const std::string& relative) {
    const fs::path to = target_ / relative;
    RETURN_IF_ERROR(EnsureDirectory(to.parent_path()));
    for (fs::path folder = to.parent_path(); folder != target_; folder = folder.parent_path()) {
      folders_.insert(folder);
    }
    return CopyFileDurably(home_ / relative, to);
  }

  void Record(const std::string& relative, const CopiedFile& copied) {
    manifest_.files.push_back({.path = relative, .digest = copied.digest, .bytes = copied.bytes});
  }

  const fs::path home_;
  const fs::path target_;
  BackupManifest manifest_;
  std::set<fs::path> folders_{target_};
};

// A model blob or manifest removed by `hearth rm` during the backup is
// skipped: the model is gone, not damaged.
Status CopyModelFile(BackupCopier& copier, const std::string& relative, bool blob,
                     uint64_t& copied) {
  Status status = blob ? copier.CopyBlob(relative) : copier.CopyPlain(relative);
  if (status.code() == StatusCode::kNotFound) {
    HEARTH_LOG(WARNING) << "backup: " << relative << " was removed while the backup ran; skipped";
    return OkStatus();
  }
  if (status.ok()) ++copied;
  return status;
}

// The blob files (relative to home) the model manifest at `relative` in the
// backup names; empty when it cannot be read as a manifest (then it is kept
// as it was: `hearth check` reports a damaged manifest, a backup copies it).
std::vector<std::string> BlobsOfManifest(const fs::path& copy) {
  std::ifstream file(copy, std::ios::binary);
  std::string text(kMaxManifestBytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  StatusOr<ModelManifest> manifest = ParseManifest(text);
  if (!manifest.ok()) return {};
  std::vector<std::string> blobs{"models/blobs/" + manifest->config.digest.FileName()};
  for (const ManifestLayer& layer : manifest->layers) {
    blobs.push_back("models/blobs/" + layer.digest.FileName());
  }
  return blobs;
}

// Manifests are copied before blobs: a model created during the backup is
// either absent or has its blobs (written before its manifest) in the copy.
// A model removed during it may have left its manifest without blobs: such a
// manifest is dropped, as the model is gone.
Status DropManifestsWithoutBlobs(BackupCopier& copier, const std::vector<std::string>& manifests,
                                 uint64_t& model_files) {
  for (const std::string& manifest : manifests) {
    if (!copier.Copied(manifest)) continue;
    for (const std::string& blob : BlobsOfManifest(copier.target() / manifest)) {
      if (copier.Copied(blob)) continue;
      HEARTH_LOG(WARNING) << "backup: " << manifest << " names " << blob
                          << ", which is gone (the model was removed while the backup ran); "
                             "the manifest is left out";
      RETURN_IF_ERROR(copier.Drop(manifest));
      --model_files;
      break;
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<BackupSummary> CreateBackup(const fs::path& home, const fs::path& directory) {
  std::error_code error;
  if (!fs::is_regular_file(home / "hearth.db", error)) {
    return NotFoundError("there is no hearth data at " + Quote(home) + " (no hearth.db)");
  }
  ASSIGN_OR_RETURN(HomeLock lock, HomeLock::Acquire(home, HomeLock::Mode::kShared));
  RETURN_IF_ERROR(CheckEmptyTarget(directory));
  BackupCopier copier(home, directory);
  BackupSummary summary;
  RETURN_IF_ERROR(copier.CopyDatabase());
  // Listed after the snapshot: every original the snapshot names is there.
  ASSIGN_OR_RETURN(std::vector<std::string> originals, ListBlobs(home, "documents/blobs"));
  for (const std::string& original : originals) RETURN_IF_ERROR(copier.CopyBlob(original));
  summary.documents = originals.size();
  ASSIGN_OR_RETURN(std::vector<std::string> manifests, ListModelManifests(home));
  for (const std::string& manifest : manifests) {
    RETURN_IF_ERROR(CopyModelFile(copier, manifest, /*blob=*/false, summary.model_files));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> model_blobs, ListBlobs(home, "models/blobs"));
  for (const std::string& blob : model_blobs) {
    RETURN_IF_ERROR(CopyModelFile(copier, blob, /*blob=*/true, summary.model_files));
  }
  RETURN_IF_ERROR(DropManifestsWithoutBlobs(copier, manifests, summary.model_files));
  RETURN_IF_ERROR(copier.Finish());
  summary.files = copier.manifest().files.size();
  summary.bytes = copier.manifest().TotalBytes();
  return summary;
}

}  // namespace hearth
