#include "rag/document_wire.h"

#include <cstring>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "base/utf8.h"

namespace hearth {
namespace {

constexpr std::string_view kMagic = "HDW1";
constexpr std::string_view kTrailer = "END.";

void PutU32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

void PutI32(std::string& out, int32_t value) { PutU32(out, static_cast<uint32_t>(value)); }

void PutString(std::string& out, std::string_view text) {
  PutU32(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

// Reads the encoding front to back; every read checks the bytes left first.
class WireReader {
 public:
  WireReader(std::string_view bytes, const DecodeLimits& limits) : rest_(bytes), limits_(limits) {}

  Status Expect(std::string_view literal, std::string_view what) {
    if (rest_.substr(0, literal.size()) != literal) {
      return InvalidArgumentError("document wire data has no valid " + std::string(what));
    }
    rest_.remove_prefix(literal.size());
    return OkStatus();
  }

  StatusOr<uint32_t> U32(std::string_view what) {
    if (rest_.size() < 4) return Truncated(what);
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      value |= static_cast<uint32_t>(static_cast<unsigned char>(rest_[static_cast<size_t>(i)])) << (8 * i);
    }
    rest_.remove_prefix(4);
    return value;
  }

  StatusOr<int32_t> NonNegativeI32(std::string_view what) {
    ASSIGN_OR_RETURN(uint32_t raw, U32(what));
    auto value = static_cast<int32_t>(raw);
    if (value < 0) return InvalidArgumentError("document wire data has a negative " + std::string(what));
    return value;
  }

  StatusOr<uint8_t> U8(std::string_view what) {
    if (rest_.empty()) return Truncated(what);
    auto value = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return value;
  }

  StatusOr<uint32_t> Count(std::string_view what, uint64_t limit) {
    ASSIGN_OR_RETURN(uint32_t count, U32(what));
    if (count > limit) {
      return ResourceExhaustedError("document wire data has " + std::to_string(count) + " " +
                                    std::string(what) + ", more than the limit of " + std::to_string(limit));
    }
    return count;
  }

  StatusOr<std::string> String(std::string_view what) {
    ASSIGN_OR_RETURN(uint32_t size, U32(what));
    if (size > limits_.max_string_bytes) {
      return ResourceExhaustedError("document wire data has a " + std::string(what) + " of " +
                                    std::to_string(size) + " bytes, more than the limit of " +
                                    std::to_string(limits_.max_string_bytes));
    }
    if (rest_.size() < size) return Truncated(what);
    std::string value(rest_.substr(0, size));
    rest_.remove_prefix(size);
    if (!IsValidUtf8(value)) {
      return InvalidArgumentError("document wire data has a " + std::string(what) + " that is not UTF-8");
    }
    return value;
  }

  bool AtEnd() const { return rest_.empty(); }

 private:
  static Status Truncated(std::string_view what) {
    return InvalidArgumentError("document wire data is truncated in the " + std::string(what));
  }

  std::string_view rest_;
  const DecodeLimits& limits_;
};

StatusOr<DocumentBlock> ReadBlock(WireReader& reader) {
  DocumentBlock block;
  ASSIGN_OR_RETURN(uint8_t kind, reader.U8("block kind"));
  if (kind > static_cast<uint8_t>(BlockKind::kCode)) {
    return InvalidArgumentError("document wire data has an unknown block kind " + std::to_string(kind));
  }
  block.kind = static_cast<BlockKind>(kind);
  ASSIGN_OR_RETURN(block.level, reader.NonNegativeI32("block level"));
  bool heading = block.kind == BlockKind::kHeading;
  if (block.level > 6 || (heading && block.level < 1)) {
    return InvalidArgumentError("document wire data has a block with level " + std::to_string(block.level));
  }
  ASSIGN_OR_RETURN(block.page, reader.NonNegativeI32("block page"));
  ASSIGN_OR_RETURN(block.text, reader.String("block text"));
  return block;
}

Status ReadBody(WireReader& reader, const DecodeLimits& limits, StructuredDocument& document) {
  RETURN_IF_ERROR(reader.Expect(kMagic, "magic (not from hearth-convert, or another version)"));
  ASSIGN_OR_RETURN(document.format, reader.String("format"));
  ASSIGN_OR_RETURN(document.title, reader.String("title"));
  ASSIGN_OR_RETURN(document.page_count, reader.NonNegativeI32("page count"));
  ASSIGN_OR_RETURN(uint32_t blocks, reader.Count("blocks", limits.max_blocks));
  for (uint32_t i = 0; i < blocks; ++i) {
    ASSIGN_OR_RETURN(DocumentBlock block, ReadBlock(reader));
    document.blocks.push_back(std::move(block));
  }
  ASSIGN_OR_RETURN(uint32_t ocr_pages, reader.Count("OCR pages", limits.max_ocr_pages));
  for (uint32_t i = 0; i < ocr_pages; ++i) {
    ASSIGN_OR_RETURN(int32_t page, reader.NonNegativeI32("OCR page"));
    document.ocr_pages.push_back(page);
  }
  ASSIGN_OR_RETURN(uint32_t warnings, reader.Count("warnings", limits.max_warnings));
  for (uint32_t i = 0; i < warnings; ++i) {
    ASSIGN_OR_RETURN(std::string warning, reader.String("warning"));
    document.warnings.push_back(std::move(warning));
  }
  RETURN_IF_ERROR(reader.Expect(kTrailer, "trailer (the data is truncated)"));
  if (!reader.AtEnd()) return InvalidArgumentError("document wire data has bytes after its trailer");
  return OkStatus();
}

}  // namespace

std::string Encode(const StructuredDocument& document) {
  std::string out(kMagic);
  PutString(out, document.format);
  PutString(out, document.title);
  PutI32(out, document.page_count);
  PutU32(out, static_cast<uint32_t>(document.blocks.size()));
  for (const DocumentBlock& block : document.blocks) {
    out.push_back(static_cast<char>(block.kind));
    PutI32(out, block.level);
    PutI32(out, block.page);
    PutString(out, block.text);
  }
  PutU32(out, static_cast<uint32_t>(document.ocr_pages.size()));
  for (int32_t page : document.ocr_pages) PutI32(out, page);
  PutU32(out, static_cast<uint32_t>(document.warnings.size()));
  for (const std::string& warning : document.warnings) PutString(out, warning);
  out.append(kTrailer);
  return out;
}

StatusOr<StructuredDocument> Decode(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.size() > limits.max_total_bytes) {
    return ResourceExhaustedError("document wire data is " + std::to_string(bytes.size()) +
                                  " bytes, more than the limit of " + std::to_string(limits.max_total_bytes));
  }
  WireReader reader(bytes, limits);
  StructuredDocument document;
  RETURN_IF_ERROR(ReadBody(reader, limits, document));
  return document;
}

}  // namespace hearth
