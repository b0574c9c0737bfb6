// The on-disk envelope of a LexicalIndex (rag/lexical_index.h): a checksummed
// header in front of the index's payload, written atomically. Internal to
// rag/lexical_index.cc.
//
// Layout, integers little-endian:
//   offset  0  magic "HRTHLIDX"
//           8  u32 format version (1)
//          12  u32 header bytes (64)
//          16  i64 applied change sequence (store/index_change_log.h)
//          24  u64 payload bytes P
//          32  32-byte SHA-256 of the payload followed by the header (with
//              these 32 bytes zero): the payload is hashed as it streams
//          64  the payload, P bytes; the file is 64 + P bytes.
//
// Thread-safety: the functions are thread-safe; a LexicalFileWriter is used by
// one thread.
//
// Example:
//   ASSIGN_OR_RETURN(LexicalFileWriter writer, LexicalFileWriter::Create(path, sequence));
//   RETURN_IF_ERROR(writer.Append(payload_part));
//   RETURN_IF_ERROR(writer.Commit());
//   ASSIGN_OR_RETURN(LexicalFile file, ReadLexicalFile(path));
#ifndef HEARTH_RAG_LEXICAL_INDEX_FILE_H_
#define HEARTH_RAG_LEXICAL_INDEX_FILE_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "base/status.h"
#include "rag/vector_index_file.h"
#include "store/digest.h"

namespace hearth::internal {

inline constexpr uint32_t kLexicalFormatVersion = 1;
inline constexpr size_t kLexicalHeaderBytes = 64;

struct LexicalFile {
  int64_t applied_sequence = 0;
  std::vector<uint8_t> bytes;  // the whole file; the payload starts at kLexicalHeaderBytes
  std::span<const uint8_t> payload() const {
    return std::span(bytes).subspan(kLexicalHeaderBytes);
  }
};

// Reads and checks a file LexicalFileWriter wrote. Errors: NotFound when
// there is no file; Internal "lexical index file <path> is corrupt: ..." for
// a bad magic, a wrong length or a checksum mismatch; FailedPrecondition for
// another format version.
StatusOr<LexicalFile> ReadLexicalFile(const std::filesystem::path& path);

// Streams a payload into a new file; the header and checksum are written on
// Commit, which renames the file into place (rag/vector_index_file.h
// AtomicFileWriter). Without Commit the old file stays.
class LexicalFileWriter {
 public:
  static StatusOr<LexicalFileWriter> Create(const std::filesystem::path& path,
                                            int64_t applied_sequence);
  Status Append(std::span<const uint8_t> bytes);
  Status Commit();

 private:
  LexicalFileWriter(AtomicFileWriter writer, int64_t applied_sequence)
      : writer_(std::move(writer)), applied_sequence_(applied_sequence) {}

  AtomicFileWriter writer_;
  int64_t applied_sequence_;
  uint64_t payload_bytes_ = 0;
  Sha256 payload_hash_;
};

}  // namespace hearth::internal

#endif  // HEARTH_RAG_LEXICAL_INDEX_FILE_H_
