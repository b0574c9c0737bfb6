// Overflow-checked arithmetic on unsigned 64-bit values, for sizes and
// offsets that come from untrusted files.
//
//   uint64_t end;
//   if (!CheckedAdd(offset, size, &end)) return InvalidArgumentError("offset overflows");
//
// Thread-safety: pure functions.

#ifndef HEARTH_MODELS_CHECKED_MATH_H_
#define HEARTH_MODELS_CHECKED_MATH_H_

#include <cstdint>

namespace hearth::internal {

// Stores a + b in *sum and returns true, or returns false on overflow
// (leaving *sum unspecified).
[[nodiscard]] inline bool CheckedAdd(uint64_t a, uint64_t b, uint64_t* sum) {
  return !__builtin_add_overflow(a, b, sum);
}

// Stores a * b in *product and returns true, or returns false on overflow.
[[nodiscard]] inline bool CheckedMul(uint64_t a, uint64_t b, uint64_t* product) {
  return !__builtin_mul_overflow(a, b, product);
}

// Stores `value` rounded up to a multiple of `alignment` (a power of two) in
// *aligned and returns true, or returns false on overflow.
[[nodiscard]] inline bool CheckedAlignUp(uint64_t value, uint64_t alignment, uint64_t* aligned) {
  uint64_t bumped;
  if (!CheckedAdd(value, alignment - 1, &bumped)) return false;
  *aligned = bumped & ~(alignment - 1);
  return true;
}

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_CHECKED_MATH_H_
