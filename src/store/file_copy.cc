#include "store/file_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <span>
#include <string>
#include <vector>

#include "base/escaping.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBufferBytes = 1 << 20;

std::string Quote(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

StatusOr<UniqueFd> OpenSource(const fs::path& source) {
  UniqueFd file(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!file.valid()) return PosixError(errno, "cannot open " + Quote(source));
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return PosixError(errno, "cannot inspect " + Quote(source));
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgumentError(Quote(source) + " is not a regular file");
  }
  return file;
}

StatusOr<size_t> ReadSome(int fd, std::span<uint8_t> buffer, const fs::path& source) {
  while (true) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return PosixError(errno, "cannot read " + Quote(source));
  }
}

Status WriteAll(int fd, std::span<const uint8_t> bytes, const fs::path& target) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return PosixError(written < 0 ? errno : EIO, "cannot write " + Quote(target));
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
  return OkStatus();
}

// Reads all of `in`, hashing it, and writes it to `out` when that is valid.
StatusOr<CopiedFile> Pump(int in, const fs::path& source, int out, const fs::path& target) {
  std::vector<uint8_t> buffer(kBufferBytes);
  Sha256 hasher;
  CopiedFile copied;
  while (true) {
    ASSIGN_OR_RETURN(const size_t got, ReadSome(in, buffer, source));
    if (got == 0) break;
    const std::span<const uint8_t> bytes(buffer.data(), got);
    if (out >= 0) RETURN_IF_ERROR(WriteAll(out, bytes, target));
    hasher.Update(bytes);
    copied.bytes += got;
  }
  copied.digest = hasher.Finish();
  return copied;
}

StatusOr<CopiedFile> CopyInto(int in, const fs::path& source, UniqueFd out,
                              const fs::path& target) {
  ASSIGN_OR_RETURN(CopiedFile copied, Pump(in, source, out.get(), target));
  if (::fsync(out.get()) != 0)
    return PosixError(errno, "cannot flush " + Quote(target) + " to disk");
  if (out.Close() != 0) return PosixError(errno, "cannot close " + Quote(target));
  return copied;
}

}  // namespace

StatusOr<CopiedFile> CopyFileDurably(const fs::path& source, const fs::path& target) {
  ASSIGN_OR_RETURN(UniqueFd in, OpenSource(source));
  UniqueFd out(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!out.valid()) return PosixError(errno, "cannot create " + Quote(target));
  StatusOr<CopiedFile> copied = CopyInto(in.get(), source, std::move(out), target);
  if (!copied.ok()) ::unlink(target.c_str());
  return copied;
}

StatusOr<CopiedFile> HashFile(const fs::path& path) {
  ASSIGN_OR_RETURN(UniqueFd in, OpenSource(path));
  return Pump(in.get(), path, -1, {});
}

Status SyncDirectory(const fs::path& directory) {
  UniqueFd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::fsync(dir.get()) != 0) {
    return PosixError(errno, "cannot flush directory " + Quote(directory) + " to disk");
  }
  return OkStatus();
}

}  // namespace hearth
