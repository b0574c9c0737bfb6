// The on-disk envelope of a VectorIndex (the layout is documented in
// rag/vector_index.h): encoding and checking hearth's header, the checksum,
// and the atomic writer Save uses. Internal to rag/vector_index.cc.
//
// Thread-safety: the functions are thread-safe; an AtomicFileWriter is used
// by one thread.
#ifndef HEARTH_RAG_VECTOR_INDEX_FILE_H_
#define HEARTH_RAG_VECTOR_INDEX_FILE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"
#include "rag/vector_index.h"
#include "store/digest.h"

namespace hearth::internal {

// 2: hearth's graph-and-vectors payload (rag/hnsw_index.h); 1 was usearch's
// index_dense, which is read no more (the index is rebuilt).
inline constexpr uint32_t kIndexFormatVersion = 2;
inline constexpr size_t kIndexHeaderFixedBytes = 80;
inline constexpr size_t kIndexChecksumOffset = 48;
inline constexpr size_t kMaxEmbedderIdBytes = 1024;

struct IndexFileHeader {
  uint32_t header_bytes = 0;  // fixed part, embedder id and padding
  uint32_t dimensions = 0;
  VectorScalar scalar = VectorScalar::kF16;
  int64_t applied_sequence = 0;
  uint64_t payload_bytes = 0;
  std::string embedder_id;
  std::array<uint8_t, 32> checksum{};
};

// Internal "index file <path> is corrupt: <what>", the error of every check
// that refuses an index file's bytes.
Status CorruptIndexError(const std::filesystem::path& path, const std::string& what);

// The header bytes for `header` (header_bytes is computed and returned in
// the encoding; the checksum field is written as given).
std::vector<uint8_t> EncodeIndexHeader(const IndexFileHeader& header);

// Reads the header at the start of `file` (the whole file) and checks that
// it is one of ours and that the file is exactly header plus payload.
// Errors: Internal "index file <path> is corrupt: ..." for anything wrong
// with the bytes; FailedPrecondition for another format version.
StatusOr<IndexFileHeader> DecodeIndexHeader(std::span<const uint8_t> file,
                                            const std::filesystem::path& path);

// Hashes header bytes with the checksum field taken as zeros.
void HashIndexHeader(std::span<const uint8_t> header_bytes, Sha256& hasher);

// Writes a file under a temporary name in the target's folder and renames it
// over the target on Commit; removes the temporary file when not committed.
class AtomicFileWriter {
 public:
  static StatusOr<AtomicFileWriter> Create(const std::filesystem::path& target);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  Status Append(std::span<const uint8_t> bytes);
  Status WriteAt(uint64_t offset, std::span<const uint8_t> bytes);
  // fsync, rename over the target, fsync of the folder.
  Status Commit();

 private:
  AtomicFileWriter(std::filesystem::path target, std::filesystem::path temp, UniqueFd fd);

  std::filesystem::path target_;
  std::filesystem::path temp_;
  UniqueFd fd_;
  bool committed_ = false;
};

}  // namespace hearth::internal

#endif  // HEARTH_RAG_VECTOR_INDEX_FILE_H_
