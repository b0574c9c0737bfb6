#include "rag/lexical_index_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/posix_error.h"
#include "rag/raw_bytes.h"
#include "base/status_macros.h"
#include "base/unique_fd.h"

namespace hearth::internal {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'T', 'H', 'L', 'I', 'D', 'X'};
constexpr size_t kChecksumOffset = 32;

Status Corrupt(const std::filesystem::path& path, const std::string& what) {
  return InternalError("lexical index file " + path.string() + " is corrupt: " + what);
}

// The header with a zero checksum: what the checksum covers.
std::vector<uint8_t> HeaderBytes(int64_t applied_sequence, uint64_t payload_bytes) {
  std::vector<uint8_t> header(kLexicalHeaderBytes, 0);
  std::memcpy(header.data(), kMagic, sizeof(kMagic));
  PutAt<uint32_t>(header, 8, kLexicalFormatVersion);
  PutAt<uint32_t>(header, 12, kLexicalHeaderBytes);
  PutAt<int64_t>(header, 16, applied_sequence);
  PutAt<uint64_t>(header, 24, payload_bytes);
  return header;
}

StatusOr<std::vector<uint8_t>> ReadAll(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return NotFoundError("lexical index file " + path.string() + " does not exist");
    return PosixError(errno, "cannot open " + path.string());
  }
  std::vector<uint8_t> bytes;
  uint8_t buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError(errno, "cannot read " + path.string());
    if (n == 0) return bytes;
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
}

}  // namespace

StatusOr<LexicalFile> ReadLexicalFile(const std::filesystem::path& path) {
  LexicalFile file;
  ASSIGN_OR_RETURN(file.bytes, ReadAll(path));
  const std::span<const uint8_t> bytes(file.bytes);
  if (bytes.size() < kLexicalHeaderBytes) {
    return Corrupt(path, "it has " + std::to_string(bytes.size()) +
                             " bytes, fewer than a header (truncated?)");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Corrupt(path, "it does not start with hearth's lexical index magic");
  }
  const auto version = GetAt<uint32_t>(bytes, 8);
  if (version != kLexicalFormatVersion) {
    return FailedPreconditionError("lexical index file " + path.string() + " has format version " +
                                   std::to_string(version) + "; this hearth reads version " +
                                   std::to_string(kLexicalFormatVersion));
  }
  const auto payload_bytes = GetAt<uint64_t>(bytes, 24);
  if (GetAt<uint32_t>(bytes, 12) != kLexicalHeaderBytes ||
      bytes.size() - kLexicalHeaderBytes != payload_bytes) {
    return Corrupt(path, "the header announces " + std::to_string(payload_bytes) +
                             " bytes of index but the file holds " +
                             std::to_string(bytes.size() - kLexicalHeaderBytes) + " (truncated?)");
  }
  file.applied_sequence = GetAt<int64_t>(bytes, 16);
  Sha256 hasher;
  hasher.Update(file.payload());
  hasher.Update(HeaderBytes(file.applied_sequence, payload_bytes));
  if (std::memcmp(hasher.Finish().sha256.data(), bytes.data() + kChecksumOffset, 32) != 0) {
    return Corrupt(path, "checksum mismatch");
  }
  return file;
}

StatusOr<LexicalFileWriter> LexicalFileWriter::Create(const std::filesystem::path& path,
                                                      int64_t applied_sequence) {
  ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Create(path));
  // Room for the header, written last.
  RETURN_IF_ERROR(writer.Append(std::vector<uint8_t>(kLexicalHeaderBytes, 0)));
  return LexicalFileWriter(std::move(writer), applied_sequence);
}

Status LexicalFileWriter::Append(std::span<const uint8_t> bytes) {
  payload_hash_.Update(bytes);
  payload_bytes_ += bytes.size();
  return writer_.Append(bytes);
}

Status LexicalFileWriter::Commit() {
  std::vector<uint8_t> header = HeaderBytes(applied_sequence_, payload_bytes_);
  payload_hash_.Update(header);
  const Digest digest = payload_hash_.Finish();
  std::memcpy(header.data() + kChecksumOffset, digest.sha256.data(), digest.sha256.size());
  RETURN_IF_ERROR(writer_.WriteAt(0, header));
  return writer_.Commit();
}

}  // namespace hearth::internal
