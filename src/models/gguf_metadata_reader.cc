#include "models/gguf_metadata_reader.h"

#include <bit>
#include <cstdint>
#include <utility>

#include "base/status_macros.h"
#include "base/utf8.h"
#include "models/checked_math.h"
#include "models/gguf_errors.h"

namespace hearth::internal {
namespace {

// A fixed-size value from its little-endian bits.
GgufValue ScalarFromBits(GgufValueType type, uint64_t bits) {
  switch (type) {
    case GgufValueType::kUint8: return GgufValue(static_cast<uint8_t>(bits));
    case GgufValueType::kInt8: return GgufValue(static_cast<int8_t>(static_cast<uint8_t>(bits)));
    case GgufValueType::kUint16: return GgufValue(static_cast<uint16_t>(bits));
    case GgufValueType::kInt16: return GgufValue(static_cast<int16_t>(static_cast<uint16_t>(bits)));
    case GgufValueType::kUint32: return GgufValue(static_cast<uint32_t>(bits));
    case GgufValueType::kInt32: return GgufValue(static_cast<int32_t>(static_cast<uint32_t>(bits)));
    case GgufValueType::kFloat32:
      return GgufValue(std::bit_cast<float>(static_cast<uint32_t>(bits)));
    case GgufValueType::kBool: return GgufValue(bits != 0);
    case GgufValueType::kUint64: return GgufValue(bits);
    case GgufValueType::kInt64: return GgufValue(static_cast<int64_t>(bits));
    case GgufValueType::kFloat64: return GgufValue(std::bit_cast<double>(bits));
    case GgufValueType::kString:
    case GgufValueType::kArray: break;
  }
  return GgufValue();
}

}  // namespace

GgufMetadataReader::GgufMetadataReader(GgufCursor& cursor, const GgufLimits& limits)
    : cursor_(cursor), limits_(limits) {}

Status GgufMetadataReader::ReadAll(uint64_t count, Metadata& metadata) {
  for (uint64_t i = 0; i < count; ++i) RETURN_IF_ERROR(ReadEntry(i, metadata));
  return OkStatus();
}

Status GgufMetadataReader::ReadEntry(uint64_t index, Metadata& metadata) {
  const uint64_t start = cursor_.position();
  const std::string entry = "metadata entry " + FormatCount(index);
  const auto key_name = [&] { return "the key of " + entry; };
  ASSIGN_OR_RETURN(std::string key, cursor_.ReadString(limits_.max_string_bytes, key_name));
  const std::string where = " (at byte " + FormatCount(start) + ")";
  if (key.empty()) return cursor_.Malformed(entry + " has an empty key" + where);
  if (!IsValidUtf8(key)) {
    return cursor_.Malformed("the key of " + entry + ", " + QuoteName(key) +
                             ", is not valid UTF-8" + where);
  }
  if (metadata.contains(key)) {
    return cursor_.Malformed("metadata key " + QuoteName(key) + " appears twice" + where);
  }
  RETURN_IF_ERROR(Keep(sizeof(Metadata::value_type) + key.size()));
  ASSIGN_OR_RETURN(GgufValueType type,
                   ReadType([&] { return "the value type of " + QuoteName(key); }));
  const std::string value_name =
      (type == GgufValueType::kArray ? "array " : "the value of ") + QuoteName(key);
  ASSIGN_OR_RETURN(GgufValue value, ReadValue(type, value_name, /*depth=*/0));
  metadata.emplace(std::move(key), std::move(value));
  return OkStatus();
}

StatusOr<GgufValueType> GgufMetadataReader::ReadType(ItemName what) {
  const uint64_t start = cursor_.position();
  ASSIGN_OR_RETURN(uint32_t id, cursor_.ReadU32(what));
  std::optional<GgufValueType> type = GgufValueTypeFromId(id);
  if (!type) {
    return cursor_.Malformed(what() + " is " + std::to_string(id) +
                             ", which GGUF does not define (at byte " + FormatCount(start) + ")");
  }
  return *type;
}

StatusOr<GgufValue> GgufMetadataReader::ReadValue(GgufValueType type, ItemName what, int depth) {
  if (type == GgufValueType::kArray) {
    ASSIGN_OR_RETURN(GgufArray array, ReadArray(what, depth, /*keep=*/true));
    return GgufValue(std::move(array));
  }
  if (type == GgufValueType::kString) {
    ASSIGN_OR_RETURN(std::string text, cursor_.ReadString(limits_.max_string_bytes, what));
    RETURN_IF_ERROR(Keep(text.size()));
    return GgufValue(std::move(text));
  }
  ASSIGN_OR_RETURN(uint64_t bits, cursor_.ReadUint(GgufValueTypeSize(type), what));
  return ScalarFromBits(type, bits);
}

StatusOr<GgufArray> GgufMetadataReader::ReadArray(ItemName what, int depth, bool keep) {
  const uint64_t start = cursor_.position();
  const auto at = [&] { return " (at byte " + FormatCount(start) + ")"; };
  ASSIGN_OR_RETURN(GgufValueType type, ReadType([&] { return "the element type of " + what(); }));
  if (type == GgufValueType::kArray && depth > 0) {
    return cursor_.Malformed(what() + " is itself an array of arrays; arrays may nest only " +
                             "one level deep" + at());
  }
  ASSIGN_OR_RETURN(uint64_t count, cursor_.ReadU64([&] { return "the length of " + what(); }));
  if (count > limits_.max_array_elements) {
    return cursor_.Malformed(what() + " has " + FormatCount(count) +
                             " elements, over the limit of " +
                             FormatCount(limits_.max_array_elements) + at());
  }
  GgufArray array{.element_type = type, .count = count, .values = {}};
  if (!keep || count > limits_.max_kept_array_elements || type == GgufValueType::kArray) {
    RETURN_IF_ERROR(SkipElements(type, count, what, depth));
    return array;
  }
  uint64_t element_bytes = 0;
  if (!CheckedMul(count, sizeof(GgufValue), &element_bytes)) element_bytes = UINT64_MAX;
  RETURN_IF_ERROR(Keep(element_bytes));
  array.values.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    auto element = [&] { return "element " + FormatCount(i) + " of " + what(); };
    ASSIGN_OR_RETURN(GgufValue value, ReadValue(type, element, depth + 1));
    array.values.push_back(std::move(value));
  }
  return array;
}

Status GgufMetadataReader::SkipElements(GgufValueType type, uint64_t count, ItemName what,
                                        int depth) {
  if (const uint64_t size = GgufValueTypeSize(type); size > 0) {
    uint64_t bytes = 0;
    if (!CheckedMul(count, size, &bytes)) {
      return cursor_.Malformed(what() + " claims more bytes than any file holds");
    }
    return cursor_.Skip(bytes,
                        [&] { return "the " + FormatCount(count) + " elements of " + what(); });
  }
  for (uint64_t i = 0; i < count; ++i) {
    auto element = [&] { return "element " + FormatCount(i) + " of " + what(); };
    if (type == GgufValueType::kString) {
      RETURN_IF_ERROR(cursor_.SkipString(limits_.max_string_bytes, element));
    } else {
      RETURN_IF_ERROR(ReadArray(element, depth + 1, /*keep=*/false).status());
    }
  }
  return OkStatus();
}

Status GgufMetadataReader::Keep(uint64_t bytes) {
  if (!CheckedAdd(kept_bytes_, bytes, &kept_bytes_) ||
      kept_bytes_ > limits_.max_kept_metadata_bytes) {
    return cursor_.Malformed("its metadata needs more than " +
                             FormatCount(limits_.max_kept_metadata_bytes) +
                             " bytes of memory, over the limit");
  }
  return OkStatus();
}

}  // namespace hearth::internal
