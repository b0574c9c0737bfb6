#include "models/gguf_value.h"

#include <limits>
#include <type_traits>

namespace hearth {
namespace {

template <typename T>
constexpr bool kIsInteger = std::is_integral_v<T> && !std::is_same_v<T, bool>;

}  // namespace

std::optional<uint64_t> GgufValue::AsUint() const {
  return std::visit(
      [](const auto& value) -> std::optional<uint64_t> {
        using T = std::decay_t<decltype(value)>;
        if constexpr (kIsInteger<T>) {
          if constexpr (std::is_signed_v<T>) {
            if (value < 0) return std::nullopt;
          }
          return static_cast<uint64_t>(value);
        } else {
          return std::nullopt;
        }
      },
      storage_);
}

std::optional<int64_t> GgufValue::AsInt() const {
  return std::visit(
      [](const auto& value) -> std::optional<int64_t> {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, uint64_t>) {
          if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return std::nullopt;
          return static_cast<int64_t>(value);
        } else if constexpr (kIsInteger<T>) {
          return static_cast<int64_t>(value);
        } else {
          return std::nullopt;
        }
      },
      storage_);
}

std::optional<double> GgufValue::AsDouble() const {
  if (const float* f = As<float>()) return *f;
  if (const double* d = As<double>()) return *d;
  return std::nullopt;
}

}  // namespace hearth
