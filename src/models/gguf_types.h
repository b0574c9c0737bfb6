// The type tables of the GGUF format, kept by hearth itself so that a file is
// checked before any llama.cpp code sees it: GGUF metadata value types, ggml
// tensor types with their block layout, and llama.cpp's file types (the
// `general.file_type` values that name a model's quantization).
//
// The ggml table must match the linked ggml; gguf_types_test.cc compares
// every entry with ggml_type_size() and ggml_blck_size().
//
// Thread-safety: constant tables and pure functions; safe from any thread.
//
// Example:
//   const GgmlTypeInfo* type = FindGgmlType(12);        // q4_K
//   uint64_t bytes = rows * (row_length / type->block_size) * type->type_size;
//   LlamaFileTypeName(15);                               // "Q4_K_M"

#ifndef HEARTH_MODELS_GGUF_TYPES_H_
#define HEARTH_MODELS_GGUF_TYPES_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth {

// The type of a GGUF metadata value, with the numbers the file uses.
enum class GgufValueType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};

// The value type numbered `id`, or nullopt when GGUF defines none (13 and up).
std::optional<GgufValueType> GgufValueTypeFromId(uint32_t id);

// "u8", "i8", ..., "f64", "bool", "string", "array".
std::string_view GgufValueTypeName(GgufValueType type);

// The size in bytes of one value of a fixed-size type (1, 2, 4 or 8), or 0
// for kString and kArray, whose size depends on their content.
uint32_t GgufValueTypeSize(GgufValueType type);

// A ggml tensor type: elements come in blocks of `block_size`, each stored
// in `type_size` bytes (F32: 1 and 4; Q4_0: 32 and 18; Q4_K: 256 and 144).
struct GgmlTypeInfo {
  uint32_t id;
  std::string_view name;  // ggml's name: "f32", "q4_0", "q4_K", ...
  uint32_t block_size;
  uint32_t type_size;
};

// The ggml type numbered `id`, or nullptr when the id is unknown to this
// hearth or names a type that ggml has removed from GGUF files (4, 5, 31-33,
// 36-38). The pointer refers to static storage.
const GgmlTypeInfo* FindGgmlType(uint32_t id);

// The name of llama.cpp's file type `file_type` as Ollama and llama.cpp show
// it ("F32", "F16", "Q8_0", "Q4_K_M", ...), or nullopt for an unknown value.
std::optional<std::string_view> LlamaFileTypeName(uint32_t file_type);

}  // namespace hearth

#endif  // HEARTH_MODELS_GGUF_TYPES_H_
