// Reads and checks the metadata section of a GGUF file (the key-value pairs
// after the header) for ReadGgufFile (models/gguf_file.h).
//
// Thread-safety: externally synchronized; one reader per parse.
//
// Example:
//   GgufMetadataReader reader(cursor, limits);
//   RETURN_IF_ERROR(reader.ReadAll(metadata_count, summary.metadata));

#ifndef HEARTH_MODELS_GGUF_METADATA_READER_H_
#define HEARTH_MODELS_GGUF_METADATA_READER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "base/status.h"
#include "models/gguf_cursor.h"
#include "models/gguf_file.h"
#include "models/gguf_value.h"

namespace hearth::internal {

class GgufMetadataReader {
 public:
  using Metadata = std::map<std::string, GgufValue, std::less<>>;

  // Borrows `cursor` and `limits` for the reader's lifetime.
  GgufMetadataReader(GgufCursor& cursor, const GgufLimits& limits);

  // Reads `count` entries at the cursor into `metadata`, which should start
  // empty. Errors (InvalidArgument): truncation; an empty, non-UTF-8 or
  // repeated key; a value type GGUF does not define; a string or array over
  // the limits; arrays nested deeper than one level; more kept metadata than
  // GgufLimits::max_kept_metadata_bytes.
  Status ReadAll(uint64_t count, Metadata& metadata);

 private:
  Status ReadEntry(uint64_t index, Metadata& metadata);
  StatusOr<GgufValueType> ReadType(ItemName what);
  // Reads a value of `type` and keeps it (for arrays: the elements, when few).
  StatusOr<GgufValue> ReadValue(GgufValueType type, ItemName what, int depth);
  // Reads an array's header and elements; `keep` allows keeping the elements.
  StatusOr<GgufArray> ReadArray(ItemName what, int depth, bool keep);
  Status SkipElements(GgufValueType type, uint64_t count, ItemName what, int depth);
  // Counts `bytes` more of memory held by the summary against the limit.
  Status Keep(uint64_t bytes);

  GgufCursor& cursor_;
  const GgufLimits& limits_;
  uint64_t kept_bytes_ = 0;
};

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_GGUF_METADATA_READER_H_
