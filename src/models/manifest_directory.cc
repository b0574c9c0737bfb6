#include "models/manifest_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <utility>
#include <vector>

#include "base/escaping.h"
#include "base/paths.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"
#include "models/model_manifest.h"
#include "store/file_copy.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using Parts = std::array<std::string, 4>;

std::string QuotePath(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

// Creates `directory` and its missing parents up to `root` (which exists),
// fsyncing the parent of each one it creates: a manifest written and synced
// into a new directory then survives a crash with the directories above it.
Status EnsureDurableDirectory(const fs::path& directory, const fs::path& root) {
  std::vector<fs::path> missing;
  std::error_code ignored;
  for (fs::path dir = directory;
       dir != root && dir.has_relative_path() && !fs::is_directory(dir, ignored);
       dir = dir.parent_path()) {
    missing.push_back(dir);
  }
  for (auto dir = missing.rbegin(); dir != missing.rend(); ++dir) {
    RETURN_IF_ERROR(EnsureDirectory(*dir));
    RETURN_IF_ERROR(SyncDirectory(dir->parent_path()));
  }
  return OkStatus();
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0)
      return PosixError(written < 0 ? errno : EIO, "cannot write " + QuotePath(path));
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return OkStatus();
}

// Writes `bytes` to a fresh temporary file in `directory`, flushed to disk.
StatusOr<fs::path> WriteTemporary(const fs::path& directory, std::string_view bytes) {
  std::string pattern = (directory / ".tmp-manifest-XXXXXX").string();
  UniqueFd file(::mkostemp(pattern.data(), O_CLOEXEC));
  if (!file.valid()) return PosixError(errno, "cannot create a file in " + QuotePath(directory));
  const fs::path path(pattern);
  Status written = WriteAll(file.get(), bytes, path);
  if (written.ok() && ::fsync(file.get()) != 0)
    written = PosixError(errno, "cannot flush " + pattern);
  if (written.ok() && file.Close() != 0) written = PosixError(errno, "cannot close " + pattern);
  if (!written.ok()) {
    ::unlink(pattern.c_str());
    return written;
  }
  return path;
}

StatusOr<ManifestFile> ReadOpenFile(int fd, const fs::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return PosixError(errno, "cannot inspect " + QuotePath(path));
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgumentError("manifest " + QuotePath(path) + " is not a regular file");
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxManifestBytes) {
    return InvalidArgumentError("manifest " + QuotePath(path) + " has " +
                                std::to_string(info.st_size) + " bytes; at most " +
                                std::to_string(kMaxManifestBytes) + " are allowed");
  }
  ManifestFile file;
  file.bytes.resize(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < file.bytes.size()) {
    const ssize_t got = ::read(fd, file.bytes.data() + done, file.bytes.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return PosixError(errno, "cannot read " + QuotePath(path));
    if (got == 0) break;
    done += static_cast<size_t>(got);
  }
  file.bytes.resize(done);
  file.modified = std::chrono::system_clock::from_time_t(info.st_mtim.tv_sec) +
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(
                      std::chrono::nanoseconds(info.st_mtim.tv_nsec));
  return file;
}

// The entries of `directory` that are directories (or, with `files`, regular
// files), without following symbolic links; hidden names are left out.
std::vector<std::string> Entries(const fs::path& directory, bool files) {
  std::vector<std::string> names;
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    std::error_code type_error;
    const fs::file_status status = it->symlink_status(type_error);
    const bool wanted = files ? fs::is_regular_file(status) : fs::is_directory(status);
    const std::string name = it->path().filename().string();
    if (!type_error && wanted && !name.starts_with('.')) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void AddName(const Parts& parts, std::vector<ModelName>* names, std::vector<std::string>* skipped) {
  const std::string text = parts[0] + "/" + parts[1] + "/" + parts[2] + ":" + parts[3];
  StatusOr<ModelName> name = ParseModelName(text);
  if (!name.ok()) {
    skipped->push_back("manifests/" + parts[0] + "/" + parts[1] + "/" + parts[2] + "/" + parts[3] +
                       ": " + name.status().message());
  } else if (name->ManifestPathParts() != parts) {
    skipped->push_back("manifests/" + parts[0] + "/" + parts[1] + "/" + parts[2] + "/" + parts[3] +
                       ": not in lower case, so hearth would not find it by name");
  } else {
    names->push_back(*std::move(name));
  }
}

}  // namespace

ManifestDirectory::ManifestDirectory(fs::path root) : root_(std::move(root)) {}

StatusOr<ManifestDirectory> ManifestDirectory::Open(const fs::path& root) {
  RETURN_IF_ERROR(EnsureDirectory(root / "manifests"));
  std::error_code error;
  fs::path canonical = fs::canonical(root, error);
  if (error) return PosixError(error.value(), "cannot resolve " + QuotePath(root));
  return ManifestDirectory(std::move(canonical));
}

StatusOr<fs::path> ManifestDirectory::PathOf(const ModelName& name) const {
  return SafeJoin(root_, name.ManifestPath());
}

StatusOr<ManifestFile> ManifestDirectory::Read(const ModelName& name) const {
  ASSIGN_OR_RETURN(fs::path path, PathOf(name));
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return NotFoundError("no manifest for " + QuoteForDisplay(name.DisplayName()));
    }
    return PosixError(errno, "cannot open manifest " + QuotePath(path));
  }
  return ReadOpenFile(fd.get(), path);
}

Status ManifestDirectory::Write(const ModelName& name, std::string_view bytes) {
  ASSIGN_OR_RETURN(fs::path path, PathOf(name));
  RETURN_IF_ERROR(EnsureDurableDirectory(path.parent_path(), root_ / "manifests"));
  ASSIGN_OR_RETURN(fs::path temporary, WriteTemporary(path.parent_path(), bytes));
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    Status error = PosixError(errno, "cannot move the manifest into place at " + QuotePath(path));
    ::unlink(temporary.c_str());
    return error;
  }
  return SyncDirectory(path.parent_path());
}

Status ManifestDirectory::Remove(const ModelName& name) {
  ASSIGN_OR_RETURN(fs::path path, PathOf(name));
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return NotFoundError("no manifest for " + QuoteForDisplay(name.DisplayName()));
    }
    return PosixError(errno, "cannot remove manifest " + QuotePath(path));
  }
  RETURN_IF_ERROR(SyncDirectory(path.parent_path()));
  // rmdir refuses non-empty directories, which is exactly the test we want.
  const fs::path manifests = root_ / "manifests";
  for (fs::path dir = path.parent_path(); dir != manifests && dir.has_parent_path();
       dir = dir.parent_path()) {
    if (::rmdir(dir.c_str()) != 0) break;
  }
  return OkStatus();
}

std::vector<ModelName> ManifestDirectory::ListNames(std::vector<std::string>* skipped) const {
  std::vector<ModelName> names;
  const fs::path manifests = root_ / "manifests";
  Parts parts;
  for (const std::string& host : Entries(manifests, false)) {
    parts[0] = host;
    for (const std::string& space : Entries(manifests / host, false)) {
      parts[1] = space;
      for (const std::string& model : Entries(manifests / host / space, false)) {
        parts[2] = model;
        for (const std::string& tag : Entries(manifests / host / space / model, true)) {
          parts[3] = tag;
          AddName(parts, &names, skipped);
        }
      }
    }
  }
  return names;
}

}  // namespace hearth
