// Where the GGUF reader's bytes come from: memory (tests, fuzzing) or a file
// read with bounded, buffered pread calls (a multi-GB model is never mapped
// or loaded whole; only its header region is read).
//
// Thread-safety: externally synchronized; each parse owns its source.

#ifndef HEARTH_MODELS_GGUF_SOURCE_H_
#define HEARTH_MODELS_GGUF_SOURCE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"

namespace hearth::internal {

// Random access to a fixed number of bytes.
class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // The number of bytes; constant for the life of the source.
  virtual uint64_t size() const = 0;

  // Copies the out.size() bytes at `offset` into `out`. Requires
  // offset + out.size() <= size(). Errors only for I/O failures.
  virtual Status Read(uint64_t offset, std::span<uint8_t> out) = 0;
};

// Bytes in memory, borrowed: they must outlive the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  uint64_t size() const override { return bytes_.size(); }
  Status Read(uint64_t offset, std::span<uint8_t> out) override;

 private:
  std::span<const uint8_t> bytes_;
};

// A regular file, read through a buffer of `kBufferBytes`; reads at least
// that large go straight into the caller's memory.
class FileSource final : public ByteSource {
 public:
  static constexpr size_t kBufferBytes = 256 * 1024;

  // Opens `path` for reading. `display_name` names it in errors. Errors:
  // PosixError's codes when it cannot be opened or examined;
  // InvalidArgument when it is not a regular file.
  static StatusOr<std::unique_ptr<FileSource>> Open(const std::filesystem::path& path,
                                                    std::string_view display_name);

  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  uint64_t size() const override { return size_; }
  // Errors: PosixError's codes for a failed read; Unavailable when the file
  // got shorter while being read.
  Status Read(uint64_t offset, std::span<uint8_t> out) override;

 private:
  FileSource(UniqueFd fd, uint64_t size, std::string_view display_name);
  Status ReadFully(uint64_t offset, std::span<uint8_t> out);

  UniqueFd fd_;
  uint64_t size_;
  std::string display_name_;
  std::vector<uint8_t> buffer_;  // holds bytes [buffer_offset_, + buffer_.size())
  uint64_t buffer_offset_ = 0;
};

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_GGUF_SOURCE_H_
