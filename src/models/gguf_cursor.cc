#include "models/gguf_cursor.h"

#include <array>

#include "base/status_macros.h"
#include "models/gguf_errors.h"

namespace hearth::internal {

std::string ItemName::DescribeText(const void* text) {
  return std::string(static_cast<const char*>(text));
}

std::string ItemName::DescribeString(const void* text) {
  return *static_cast<const std::string*>(text);
}

GgufCursor::GgufCursor(ByteSource& source, std::string_view display_name)
    : source_(source), display_name_(display_name) {}

StatusOr<uint64_t> GgufCursor::ReadUint(uint32_t width, ItemName what) {
  if (width > remaining()) return Truncated(what);
  std::array<uint8_t, 8> bytes{};
  RETURN_IF_ERROR(source_.Read(position_, std::span(bytes.data(), width)));
  position_ += width;
  uint64_t value = 0;
  for (uint32_t i = width; i > 0; --i) value = (value << 8) | bytes[i - 1];
  return value;
}

StatusOr<uint32_t> GgufCursor::ReadU32(ItemName what) {
  ASSIGN_OR_RETURN(uint64_t value, ReadUint(4, what));
  return static_cast<uint32_t>(value);
}

StatusOr<uint64_t> GgufCursor::ReadU64(ItemName what) { return ReadUint(8, what); }

StatusOr<uint64_t> GgufCursor::ReadStringLength(uint64_t max_bytes, ItemName what) {
  const uint64_t start = position_;
  ASSIGN_OR_RETURN(uint64_t length, ReadU64([&] { return "the length of " + what(); }));
  if (length > max_bytes) {
    return Malformed(what() + " is " + FormatCount(length) + " bytes long, over the limit of " +
                     FormatCount(max_bytes) + " (length at byte " + FormatCount(start) + ")");
  }
  if (length > remaining()) return TruncatedRange(what, length);
  return length;
}

StatusOr<std::string> GgufCursor::ReadString(uint64_t max_bytes, ItemName what) {
  ASSIGN_OR_RETURN(uint64_t length, ReadStringLength(max_bytes, what));
  std::string text(static_cast<size_t>(length), '\0');
  RETURN_IF_ERROR(
      source_.Read(position_, std::span(reinterpret_cast<uint8_t*>(text.data()), text.size())));
  position_ += length;
  return text;
}

Status GgufCursor::SkipString(uint64_t max_bytes, ItemName what) {
  ASSIGN_OR_RETURN(uint64_t length, ReadStringLength(max_bytes, what));
  position_ += length;
  return OkStatus();
}

Status GgufCursor::Skip(uint64_t bytes, ItemName what) {
  if (bytes > remaining()) return TruncatedRange(what, bytes);
  position_ += bytes;
  return OkStatus();
}

Status GgufCursor::Malformed(std::string_view problem) const {
  return MalformedGguf(display_name_, problem);
}

Status GgufCursor::Unsupported(std::string_view problem) const {
  return UnsupportedGguf(display_name_, problem);
}

Status GgufCursor::Truncated(ItemName what) const {
  return Malformed("truncated at byte " + FormatCount(size()) + " while reading " + what());
}

Status GgufCursor::TruncatedRange(ItemName what, uint64_t bytes) const {
  return Malformed("truncated at byte " + FormatCount(size()) + " while reading " + what() + " (" +
                   FormatCount(bytes) + " bytes from byte " + FormatCount(position_) + ")");
}

}  // namespace hearth::internal
