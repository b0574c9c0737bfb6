#include "models/runner_wire.h"

#include <bit>
#include <string>

#include "base/status_macros.h"

namespace hearth {
namespace {

uint64_t LoadLittleEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i > 0; --i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i - 1]);
  }
  return value;
}

}  // namespace

void WireWriter::PutU32(uint32_t value) {
  for (int i = 0; i < 4; ++i) PutU8(static_cast<uint8_t>(value >> (8 * i)));
}

void WireWriter::PutU64(uint64_t value) {
  for (int i = 0; i < 8; ++i) PutU8(static_cast<uint8_t>(value >> (8 * i)));
}

void WireWriter::PutF32(float value) { PutU32(std::bit_cast<uint32_t>(value)); }

void WireWriter::PutString(std::string_view value) {
  PutU32(static_cast<uint32_t>(value.size()));
  bytes_.append(value);
}

StatusOr<std::string_view> WireReader::Take(size_t n, std::string_view field) {
  if (n > remaining()) {
    return InvalidArgumentError("runner message is truncated: " + std::to_string(n) +
                                " bytes of " + std::string(field) + " expected, " +
                                std::to_string(remaining()) + " left");
  }
  std::string_view bytes = data_.substr(position_, n);
  position_ += n;
  return bytes;
}

StatusOr<uint8_t> WireReader::U8(std::string_view field) {
  ASSIGN_OR_RETURN(std::string_view bytes, Take(1, field));
  return static_cast<uint8_t>(bytes[0]);
}

StatusOr<bool> WireReader::Bool(std::string_view field) {
  ASSIGN_OR_RETURN(uint8_t value, U8(field));
  if (value > 1) {
    return InvalidArgumentError("runner message field " + std::string(field) +
                                " must be 0 or 1, not " + std::to_string(value));
  }
  return value == 1;
}

StatusOr<uint32_t> WireReader::U32(std::string_view field) {
  ASSIGN_OR_RETURN(std::string_view bytes, Take(4, field));
  return static_cast<uint32_t>(LoadLittleEndian(bytes));
}

StatusOr<int32_t> WireReader::I32(std::string_view field) {
  ASSIGN_OR_RETURN(uint32_t value, U32(field));
  return static_cast<int32_t>(value);
}

StatusOr<uint64_t> WireReader::U64(std::string_view field) {
  ASSIGN_OR_RETURN(std::string_view bytes, Take(8, field));
  return LoadLittleEndian(bytes);
}

StatusOr<int64_t> WireReader::I64(std::string_view field) {
  ASSIGN_OR_RETURN(uint64_t value, U64(field));
  return static_cast<int64_t>(value);
}

StatusOr<float> WireReader::F32(std::string_view field) {
  ASSIGN_OR_RETURN(uint32_t bits, U32(field));
  return std::bit_cast<float>(bits);
}

StatusOr<std::string> WireReader::String(std::string_view field, size_t max_length) {
  ASSIGN_OR_RETURN(uint32_t length, U32(field));
  if (length > max_length) {
    return InvalidArgumentError("runner message field " + std::string(field) + " is " +
                                std::to_string(length) + " bytes; the limit is " +
                                std::to_string(max_length));
  }
  ASSIGN_OR_RETURN(std::string_view bytes, Take(length, field));
  return std::string(bytes);
}

StatusOr<uint32_t> WireReader::Count(std::string_view field, uint32_t max_count,
                                     size_t min_element_bytes) {
  ASSIGN_OR_RETURN(uint32_t count, U32(field));
  if (count > max_count) {
    return InvalidArgumentError("runner message has " + std::to_string(count) + " " +
                                std::string(field) + "; the limit is " +
                                std::to_string(max_count));
  }
  if (min_element_bytes > 0 && count > remaining() / min_element_bytes) {
    return InvalidArgumentError("runner message claims " + std::to_string(count) + " " +
                                std::string(field) + " but only " +
                                std::to_string(remaining()) + " bytes remain");
  }
  return count;
}

Status WireReader::ExpectEnd(std::string_view message) const {
  if (remaining() == 0) return OkStatus();
  return InvalidArgumentError("runner " + std::string(message) + " message has " +
                              std::to_string(remaining()) + " unexpected trailing bytes");
}

}  // namespace hearth
