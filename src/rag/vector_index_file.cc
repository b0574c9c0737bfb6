#include "rag/vector_index_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/posix_error.h"
#include "rag/raw_bytes.h"

namespace hearth::internal {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'T', 'H', 'V', 'I', 'D', 'X'};
constexpr uint8_t kMetricCosine = 1;
constexpr size_t kHeaderAlignment = 64;

}  // namespace

Status CorruptIndexError(const std::filesystem::path& path, const std::string& what) {
  return InternalError("index file " + path.string() + " is corrupt: " + what);
}

std::vector<uint8_t> EncodeIndexHeader(const IndexFileHeader& header) {
  const size_t used = kIndexHeaderFixedBytes + header.embedder_id.size();
  const size_t total = (used + kHeaderAlignment - 1) / kHeaderAlignment * kHeaderAlignment;
  std::vector<uint8_t> out(total, 0);
  std::memcpy(out.data(), kMagic, sizeof(kMagic));
  PutAt<uint32_t>(out, 8, kIndexFormatVersion);
  PutAt<uint32_t>(out, 12, static_cast<uint32_t>(total));
  PutAt<uint32_t>(out, 16, header.dimensions);
  PutAt<uint8_t>(out, 20, static_cast<uint8_t>(header.scalar));
  PutAt<uint8_t>(out, 21, kMetricCosine);
  PutAt<int64_t>(out, 24, header.applied_sequence);
  PutAt<uint64_t>(out, 32, header.payload_bytes);
  PutAt<uint32_t>(out, 40, static_cast<uint32_t>(header.embedder_id.size()));
  std::memcpy(out.data() + kIndexChecksumOffset, header.checksum.data(), header.checksum.size());
  std::memcpy(out.data() + kIndexHeaderFixedBytes, header.embedder_id.data(),
              header.embedder_id.size());
  return out;
}

StatusOr<IndexFileHeader> DecodeIndexHeader(std::span<const uint8_t> file,
                                            const std::filesystem::path& path) {
  if (file.size() < kIndexHeaderFixedBytes) {
    return CorruptIndexError(path, "the file has " + std::to_string(file.size()) +
                             " bytes, fewer than a header (truncated?)");
  }
  if (std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) {
    return CorruptIndexError(path, "it does not start with hearth's index magic");
  }
  const auto version = GetAt<uint32_t>(file, 8);
  if (version != kIndexFormatVersion) {
    return FailedPreconditionError("index file " + path.string() + " has format version " +
                                   std::to_string(version) + "; this hearth reads version " +
                                   std::to_string(kIndexFormatVersion));
  }
  IndexFileHeader header;
  header.header_bytes = GetAt<uint32_t>(file, 12);
  header.dimensions = GetAt<uint32_t>(file, 16);
  const auto scalar = GetAt<uint8_t>(file, 20);
  header.applied_sequence = GetAt<int64_t>(file, 24);
  header.payload_bytes = GetAt<uint64_t>(file, 32);
  const auto embedder_bytes = GetAt<uint32_t>(file, 40);
  if (scalar != static_cast<uint8_t>(VectorScalar::kF16) &&
      scalar != static_cast<uint8_t>(VectorScalar::kI8)) {
    return CorruptIndexError(path, "unknown scalar kind " + std::to_string(scalar));
  }
  if (GetAt<uint8_t>(file, 21) != kMetricCosine) return CorruptIndexError(path, "unknown metric");
  header.scalar = static_cast<VectorScalar>(scalar);
  if (embedder_bytes > kMaxEmbedderIdBytes ||
      kIndexHeaderFixedBytes + embedder_bytes > header.header_bytes ||
      header.header_bytes % kHeaderAlignment != 0 || header.header_bytes > file.size()) {
    return CorruptIndexError(path, "the header's lengths are inconsistent");
  }
  if (file.size() - header.header_bytes != header.payload_bytes) {
    return CorruptIndexError(path, "the header announces " + std::to_string(header.payload_bytes) +
                             " bytes of index but the file holds " +
                             std::to_string(file.size() - header.header_bytes) + " (truncated?)");
  }
  header.embedder_id.assign(reinterpret_cast<const char*>(file.data()) + kIndexHeaderFixedBytes,
                            embedder_bytes);
  std::memcpy(header.checksum.data(), file.data() + kIndexChecksumOffset, header.checksum.size());
  return header;
}

void HashIndexHeader(std::span<const uint8_t> header_bytes, Sha256& hasher) {
  const std::array<uint8_t, 32> zeros{};
  hasher.Update(header_bytes.first(kIndexChecksumOffset));
  hasher.Update(zeros);
  hasher.Update(header_bytes.subspan(kIndexChecksumOffset + zeros.size()));
}

StatusOr<AtomicFileWriter> AtomicFileWriter::Create(const std::filesystem::path& target) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path temp = target;
  temp += ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1));
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid()) return PosixError(errno, "cannot create " + temp.string());
  return AtomicFileWriter(target, std::move(temp), std::move(fd));
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target, std::filesystem::path temp,
                                   UniqueFd fd)
    : target_(std::move(target)), temp_(std::move(temp)), fd_(std::move(fd)) {}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      fd_(std::move(other.fd_)),
      committed_(std::exchange(other.committed_, true)) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (committed_) return;
  fd_.reset();
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

Status AtomicFileWriter::Append(std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(errno, "cannot write " + temp_.string());
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return OkStatus();
}

Status AtomicFileWriter::WriteAt(uint64_t offset, std::span<const uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd_.get(), bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(errno, "cannot write " + temp_.string());
    bytes = bytes.subspan(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return OkStatus();
}

Status AtomicFileWriter::Commit() {
  if (::fsync(fd_.get()) != 0) return PosixError(errno, "cannot sync " + temp_.string());
  if (fd_.Close() != 0) return PosixError(errno, "cannot close " + temp_.string());
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return PosixError(errno, "cannot rename " + temp_.string() + " to " + target_.string());
  }
  committed_ = true;
  const std::filesystem::path folder =
      target_.has_parent_path() ? target_.parent_path() : std::filesystem::path(".");
  UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::fsync(dir.get()) != 0) {
    return PosixError(errno, "cannot sync the folder " + folder.string());
  }
  return OkStatus();
}

}  // namespace hearth::internal
