// WireWriter / WireReader: the little-endian primitives of the runner
// protocol (models/runner_protocol.h). Integers are fixed-width little-endian,
// floats are their IEEE-754 bits as u32, strings and lists are a u32 count
// followed by their elements.
//
// The reader never trusts a count: a list's count is checked against the
// bytes that remain (every element takes at least one byte) and against an
// explicit limit before anything is allocated, so a garbled or hostile
// payload costs at most its own size. Every error is InvalidArgument and
// names the field being read.
//
// Thread-safety: externally synchronized values.
//
// Example:
//   WireWriter writer;
//   writer.PutU32(7);
//   writer.PutString("hello");
//   WireReader reader(writer.data());
//   ASSIGN_OR_RETURN(uint32_t n, reader.U32("count"));
//   ASSIGN_OR_RETURN(std::string s, reader.String("text", 1 << 20));
//   RETURN_IF_ERROR(reader.ExpectEnd("example"));
#ifndef HEARTH_MODELS_RUNNER_WIRE_H_
#define HEARTH_MODELS_RUNNER_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

class WireWriter {
 public:
  void PutU8(uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
  void PutBool(bool value) { PutU8(value ? 1 : 0); }
  void PutU32(uint32_t value);
  void PutI32(int32_t value) { PutU32(static_cast<uint32_t>(value)); }
  void PutU64(uint64_t value);
  void PutI64(int64_t value) { PutU64(static_cast<uint64_t>(value)); }
  void PutF32(float value);
  // u32 length, then the bytes. `value` must be shorter than 4 GiB.
  void PutString(std::string_view value);

  const std::string& data() const { return bytes_; }
  std::string Release() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class WireReader {
 public:
  // Reads from `data`, which must outlive the reader.
  explicit WireReader(std::string_view data) : data_(data) {}

  // Each reads one value; `field` names it in the error message.
  StatusOr<uint8_t> U8(std::string_view field);
  StatusOr<bool> Bool(std::string_view field);  // only 0 or 1
  StatusOr<uint32_t> U32(std::string_view field);
  StatusOr<int32_t> I32(std::string_view field);
  StatusOr<uint64_t> U64(std::string_view field);
  StatusOr<int64_t> I64(std::string_view field);
  StatusOr<float> F32(std::string_view field);
  // A string of at most `max_length` bytes.
  StatusOr<std::string> String(std::string_view field, size_t max_length);
  // A list count: at most `max_count`, and at most remaining() /
  // `min_element_bytes` (so the list fits in what is left).
  StatusOr<uint32_t> Count(std::string_view field, uint32_t max_count, size_t min_element_bytes);

  size_t remaining() const { return data_.size() - position_; }
  // InvalidArgument when bytes are left over after `message` was decoded.
  Status ExpectEnd(std::string_view message) const;

 private:
  // The next `n` bytes, or InvalidArgument naming `field` when fewer remain.
  StatusOr<std::string_view> Take(size_t n, std::string_view field);

  std::string_view data_;
  size_t position_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_WIRE_H_
