// GgufValue: one metadata value of a GGUF file, as the GGUF reader
// (models/gguf_file.h) returns it.
//
// A value holds exactly one of the GGUF value types; GgufValue::type() names
// it. Arrays keep their element type and count always, but their elements
// only when they are few (GgufLimits::max_kept_array_elements): a tokenizer's
// 128k-entry vocabulary is counted and checked, not held in memory.
//
// Thread-safety: a value type; const methods may be called concurrently.
//
// Example:
//   const GgufValue* value = summary.Find("llama.context_length");
//   if (value != nullptr && value->AsUint()) context = *value->AsUint();
//   if (const GgufArray* tokens = summary.Find("tokenizer.ggml.tokens")->AsArray()) {
//     vocabulary_size = tokens->count;
//   }

#ifndef HEARTH_MODELS_GGUF_VALUE_H_
#define HEARTH_MODELS_GGUF_VALUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/gguf_types.h"

namespace hearth {

class GgufValue;

// A GGUF array. An array's elements all have one type; GGUF allows arrays of
// arrays, and hearth reads one level of them (their elements are never kept).
struct GgufArray {
  GgufValueType element_type = GgufValueType::kUint8;
  uint64_t count = 0;
  // All `count` elements when they were kept; empty otherwise.
  std::vector<GgufValue> values;

  // True if `values` holds every element (always true for an empty array).
  bool values_kept() const;
};

class GgufValue {
 public:
  // The alternatives are in the order of the file's type numbers, so that
  // storage().index() is the GgufValueType.
  using Storage = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                               std::string, GgufArray, uint64_t, int64_t, double>;

  // A u8 zero.
  GgufValue() = default;
  // A value of the alternative `storage` holds, e.g. GgufValue(uint32_t{4096}).
  explicit GgufValue(Storage storage) : storage_(std::move(storage)) {}

  GgufValueType type() const { return static_cast<GgufValueType>(storage_.index()); }
  const Storage& storage() const { return storage_; }

  // The value as T when it holds exactly a T, else nullptr.
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&storage_);
  }

  // The value of an integer of any width or signedness that is not negative;
  // nullopt for negative integers and for every other type (bool included).
  std::optional<uint64_t> AsUint() const;

  // The value of an integer of any width that fits in int64_t.
  std::optional<int64_t> AsInt() const;

  // The value of an f32 or f64.
  std::optional<double> AsDouble() const;

  // The string or the array held, or nullptr.
  const std::string* AsString() const { return As<std::string>(); }
  const GgufArray* AsArray() const { return As<GgufArray>(); }

 private:
  Storage storage_;
};

inline bool GgufArray::values_kept() const { return values.size() == count; }

}  // namespace hearth

#endif  // HEARTH_MODELS_GGUF_VALUE_H_
