// The wire format a StructuredDocument crosses the process boundary in: the
// hearth-convert child writes Encode()'s bytes to stdout, the parent
// (DocumentConverter) reads them back with Decode().
//
// The format is versioned and length-prefixed; all integers are little-endian:
//
//   "HDW1"                         magic and version
//   str format, str title          str = u32 byte length, then the bytes
//   i32 page_count
//   u32 block count, then per block: u8 kind, i32 level, i32 page, str text
//   u32 ocr page count, then i32 each
//   u32 warning count, then str each
//   "END."                         trailer; nothing may follow it
//
// The parent treats the child's output as untrusted: Decode() bounds every
// count and length by DecodeLimits before allocating, and rejects truncated,
// trailing or malformed input with InvalidArgument naming what was wrong.
//
// Thread-safety: pure functions.
//
// Example:
//   std::string bytes = Encode(document);
//   ASSIGN_OR_RETURN(StructuredDocument back, Decode(bytes, DecodeLimits{}));
#ifndef HEARTH_RAG_DOCUMENT_WIRE_H_
#define HEARTH_RAG_DOCUMENT_WIRE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "rag/structured_document.h"

namespace hearth {

// How hearth-convert exits, besides 0 (the document is on stdout). On a
// document error it writes one line, the Status' ToString() ("INVALID_ARGUMENT:
// not a PDF: ..."), to stderr; on an allocation failure it writes nothing.
inline constexpr int kConvertExitDocumentError = 2;
inline constexpr int kConvertExitOutOfMemory = 3;

struct DecodeLimits {
  // Bytes of encoded input accepted at all.
  uint64_t max_total_bytes = 256ull << 20;
  // Blocks, OCR page entries and warnings, each.
  uint64_t max_blocks = 2'000'000;
  uint64_t max_ocr_pages = 100'000;
  uint64_t max_warnings = 10'000;
  // Bytes of any one string (a block's text, the title, a warning).
  uint64_t max_string_bytes = 64ull << 20;
};

// Serializes `document`. Never fails; strings longer than 4 GiB cannot be
// represented and are a programming error (converters cap output far below).
std::string Encode(const StructuredDocument& document);

// Parses bytes produced by Encode(). Errors: InvalidArgument for a wrong
// magic/version, truncated input, trailing bytes, an unknown block kind, a
// heading level outside 1..6 (0..6 for other kinds), a negative page or page
// count, or text that is not UTF-8; ResourceExhausted when a count or length
// exceeds `limits`.
StatusOr<StructuredDocument> Decode(std::string_view bytes, const DecodeLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_DOCUMENT_WIRE_H_
