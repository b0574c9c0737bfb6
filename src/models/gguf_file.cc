#include "models/gguf_file.h"

#include <memory>
#include <string>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "models/gguf_cursor.h"
#include "models/gguf_errors.h"
#include "models/gguf_metadata_reader.h"
#include "models/gguf_source.h"
#include "models/gguf_tensor_reader.h"

namespace hearth {
namespace {

using internal::FormatCount;
using internal::GgufCursor;

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint32_t kDefaultAlignment = 32;

Status CheckMagic(GgufCursor& cursor) {
  ASSIGN_OR_RETURN(uint32_t magic, cursor.ReadU32("the magic number \"GGUF\""));
  if (magic == kMagic) return OkStatus();
  std::string found;
  for (int i = 0; i < 4; ++i) found += static_cast<char>((magic >> (8 * i)) & 0xff);
  return cursor.Malformed("it starts with " + QuoteForDisplay(found) + ", not 'GGUF'");
}

Status CheckVersion(GgufCursor& cursor, uint32_t version) {
  if (version == 2 || version == 3) return OkStatus();
  const std::string text = "GGUF version " + std::to_string(version);
  if (version == 0) return cursor.Malformed(text + " does not exist");
  if (version == 1) {
    return cursor.Unsupported(text +
                              " is obsolete; llama.cpp reads versions 2 and 3 "
                              "(convert the model again with a current llama.cpp)");
  }
  if ((version & 0xffff) == 0) {
    return cursor.Unsupported(text +
                              " looks like a big-endian file; llama.cpp reads "
                              "little-endian GGUF files");
  }
  return cursor.Unsupported(text + " is newer than this hearth reads (2 and 3)");
}

Status CheckCount(GgufCursor& cursor, uint64_t count, uint64_t limit, std::string_view what) {
  if (count <= limit) return OkStatus();
  return cursor.Malformed("it claims " + FormatCount(count) + " " + std::string(what) +
                          ", over the limit of " + FormatCount(limit));
}

// Reads the header; returns the number of metadata entries.
StatusOr<uint64_t> ReadHeader(GgufCursor& cursor, const GgufLimits& limits, GgufSummary& summary) {
  RETURN_IF_ERROR(CheckMagic(cursor));
  ASSIGN_OR_RETURN(summary.version, cursor.ReadU32("the version"));
  RETURN_IF_ERROR(CheckVersion(cursor, summary.version));
  ASSIGN_OR_RETURN(summary.tensor_count, cursor.ReadU64("the tensor count"));
  RETURN_IF_ERROR(CheckCount(cursor, summary.tensor_count, limits.max_tensors, "tensors"));
  ASSIGN_OR_RETURN(uint64_t metadata_count, cursor.ReadU64("the metadata entry count"));
  RETURN_IF_ERROR(
      CheckCount(cursor, metadata_count, limits.max_metadata_entries, "metadata entries"));
  return metadata_count;
}

// `general.alignment`: a u32 power of two when present, else 32.
StatusOr<uint32_t> AlignmentOf(const GgufCursor& cursor, const GgufSummary& summary) {
  const GgufValue* value = summary.Find("general.alignment");
  if (value == nullptr) return kDefaultAlignment;
  const uint32_t* alignment = value->As<uint32_t>();
  if (alignment == nullptr) {
    return cursor.Malformed("general.alignment is a " +
                            std::string(GgufValueTypeName(value->type())) + ", not a u32");
  }
  if (*alignment == 0 || (*alignment & (*alignment - 1)) != 0) {
    return cursor.Malformed("general.alignment is " + FormatCount(*alignment) +
                            ", not a power of two");
  }
  return *alignment;
}

StatusOr<GgufSummary> Parse(internal::ByteSource& source, const GgufLimits& limits,
                            std::string_view display_name) {
  GgufCursor cursor(source, display_name);
  GgufSummary summary;
  summary.file_size = source.size();
  ASSIGN_OR_RETURN(uint64_t metadata_count, ReadHeader(cursor, limits, summary));
  internal::GgufMetadataReader metadata(cursor, limits);
  RETURN_IF_ERROR(metadata.ReadAll(metadata_count, summary.metadata));
  ASSIGN_OR_RETURN(summary.alignment, AlignmentOf(cursor, summary));
  ASSIGN_OR_RETURN(summary.tensors, internal::ReadTensorInfos(cursor, summary, limits));
  RETURN_IF_ERROR(internal::CheckTensorData(cursor, summary));
  return summary;
}

}  // namespace

StatusOr<GgufSummary> ReadGgufFile(const std::filesystem::path& path, const GgufLimits& limits,
                                   std::string_view name) {
  const std::string display_name = EscapeForDisplay(name.empty() ? path.string() : std::string(name));
  ASSIGN_OR_RETURN(std::unique_ptr<internal::FileSource> source,
                   internal::FileSource::Open(path, display_name));
  return Parse(*source, limits, display_name);
}

StatusOr<GgufSummary> ParseGguf(std::span<const uint8_t> bytes, const GgufLimits& limits,
                                std::string_view display_name) {
  internal::MemorySource source(bytes);
  return Parse(source, limits, EscapeForDisplay(display_name));
}

}  // namespace hearth
