// Fixed-size values in hearth's own index files (rag/vector_index_file,
// rag/lexical_index_file, rag/posting_list, rag/lexical_index): copied as
// their in-memory bytes, which are little-endian on every host hearth builds
// for (x86-64, AArch64), so the files are little-endian as their headers
// document.
//
// Thread-safety: pure functions.
#ifndef HEARTH_RAG_RAW_BYTES_H_
#define HEARTH_RAG_RAW_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace hearth::internal {

// Writes `value` at `offset` of `out`, which must hold offset + sizeof(T).
template <typename T>
void PutAt(std::vector<uint8_t>& out, size_t offset, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::memcpy(out.data() + offset, &value, sizeof(value));
}

// Reads a T at `offset` of `in`, which must hold offset + sizeof(T).
template <typename T>
T GetAt(std::span<const uint8_t> in, size_t offset) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value;
  std::memcpy(&value, in.data() + offset, sizeof(value));
  return value;
}

// Appends `value`'s bytes to `out`.
template <typename T>
void AppendRaw(std::string& out, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// Reads a T from the front of `in` and drops it; false when `in` is shorter.
template <typename T>
bool TakeRaw(std::span<const uint8_t>& in, T* value) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (in.size() < sizeof(T)) return false;
  std::memcpy(value, in.data(), sizeof(T));
  in = in.subspan(sizeof(T));
  return true;
}

}  // namespace hearth::internal

#endif  // HEARTH_RAG_RAW_BYTES_H_
