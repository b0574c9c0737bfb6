#include "models/gguf_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/posix_error.h"
#include "models/gguf_errors.h"

namespace hearth::internal {

Status MemorySource::Read(uint64_t offset, std::span<uint8_t> out) {
  if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return OkStatus();
}

StatusOr<std::unique_ptr<FileSource>> FileSource::Open(const std::filesystem::path& path,
                                                       std::string_view display_name) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(errno, "cannot open " + std::string(display_name));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return PosixError(errno, "cannot examine " + std::string(display_name));
  }
  if (!S_ISREG(info.st_mode)) {
    return InvalidArgumentError(std::string(display_name) + " is not a regular file");
  }
  return std::unique_ptr<FileSource>(
      new FileSource(std::move(fd), static_cast<uint64_t>(info.st_size), display_name));
}

FileSource::FileSource(UniqueFd fd, uint64_t size, std::string_view display_name)
    : fd_(std::move(fd)), size_(size), display_name_(display_name) {}

Status FileSource::Read(uint64_t offset, std::span<uint8_t> out) {
  if (out.empty()) return OkStatus();
  const uint64_t end = offset + out.size();  // callers stay inside size_
  if (offset >= buffer_offset_ && end <= buffer_offset_ + buffer_.size()) {
    std::memcpy(out.data(), buffer_.data() + (offset - buffer_offset_), out.size());
    return OkStatus();
  }
  if (out.size() >= kBufferBytes) return ReadFully(offset, out);
  buffer_.resize(static_cast<size_t>(std::min<uint64_t>(kBufferBytes, size_ - offset)));
  buffer_offset_ = offset;
  Status filled = ReadFully(offset, buffer_);
  if (!filled.ok()) {
    buffer_.clear();
    return filled;
  }
  std::memcpy(out.data(), buffer_.data(), out.size());
  return OkStatus();
}

Status FileSource::ReadFully(uint64_t offset, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(errno, "cannot read " + display_name_);
    if (n == 0) {
      return UnavailableError(display_name_ + " got shorter while it was being read (at byte " +
                              FormatCount(offset + done) + "); try again when it is complete");
    }
    done += static_cast<size_t>(n);
  }
  return OkStatus();
}

}  // namespace hearth::internal
