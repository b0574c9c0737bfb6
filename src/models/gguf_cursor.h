// GgufCursor: bounds-checked, little-endian reads from a ByteSource, the only
// way the GGUF reader touches file bytes. A read past the end is an error
// that says where the data ended and what was being read; nothing is
// allocated for a length before it has been checked against the limit and
// against the bytes that remain.
//
// Thread-safety: externally synchronized.
//
// Example:
//   GgufCursor cursor(source, "model.gguf");
//   ASSIGN_OR_RETURN(uint64_t count, cursor.ReadU64("the tensor count"));
//   ASSIGN_OR_RETURN(std::string key, cursor.ReadString(limit, [&] {
//     return "the key of metadata entry " + FormatCount(i);
//   }));

#ifndef HEARTH_MODELS_GGUF_CURSOR_H_
#define HEARTH_MODELS_GGUF_CURSOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/status.h"
#include "models/gguf_source.h"

namespace hearth::internal {

class ItemName;

// A callable that describes an item: returns std::string, takes nothing.
template <typename F>
concept ItemDescriber = !std::is_same_v<std::remove_cvref_t<F>, ItemName> &&
                        std::is_invocable_r_v<std::string, const F&>;

// Names the item being read ("the tensor count", "element 7 of array
// 'tokenizer.ggml.tokens'"): a string, or an ItemDescriber called only when a
// read fails, so that the common path builds no strings. Borrows what it is
// given: use it only as a function argument.
class ItemName {
 public:
  ItemName(const char* text) : object_(text), describe_(&DescribeText) {}            // NOLINT
  ItemName(const std::string& text) : object_(&text), describe_(&DescribeString) {}  // NOLINT
  template <ItemDescriber F>
  ItemName(const F& describe)  // NOLINT
      : object_(&describe),
        describe_([](const void* f) -> std::string { return (*static_cast<const F*>(f))(); }) {}

  std::string operator()() const { return describe_(object_); }

 private:
  static std::string DescribeText(const void* text);
  static std::string DescribeString(const void* text);

  const void* object_;
  std::string (*describe_)(const void*);
};

class GgufCursor {
 public:
  // Reads `source` from its start; `display_name` names it in errors. Both
  // are borrowed and must outlive the cursor.
  GgufCursor(ByteSource& source, std::string_view display_name);

  uint64_t position() const { return position_; }
  uint64_t size() const { return source_.size(); }
  uint64_t remaining() const { return source_.size() - position_; }
  std::string_view display_name() const { return display_name_; }

  // Reads an unsigned little-endian integer of `width` bytes (1, 2, 4 or 8).
  StatusOr<uint64_t> ReadUint(uint32_t width, ItemName what);
  StatusOr<uint32_t> ReadU32(ItemName what);
  StatusOr<uint64_t> ReadU64(ItemName what);

  // Reads a GGUF string: a u64 byte count, then the bytes. InvalidArgument
  // when the count exceeds `max_bytes` or the bytes that remain.
  StatusOr<std::string> ReadString(uint64_t max_bytes, ItemName what);
  // As ReadString, but moves past the string without reading its bytes.
  Status SkipString(uint64_t max_bytes, ItemName what);

  // Moves `bytes` forward; InvalidArgument if fewer remain.
  Status Skip(uint64_t bytes, ItemName what);

  // MalformedGguf / UnsupportedGguf for this cursor's input.
  Status Malformed(std::string_view problem) const;
  Status Unsupported(std::string_view problem) const;

 private:
  StatusOr<uint64_t> ReadStringLength(uint64_t max_bytes, ItemName what);
  Status Truncated(ItemName what) const;
  Status TruncatedRange(ItemName what, uint64_t bytes) const;

  ByteSource& source_;
  std::string_view display_name_;
  uint64_t position_ = 0;
};

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_GGUF_CURSOR_H_
