// f16 (and i8) vectors for the vector index: converting floats to IEEE half
// floats, and cosine distances between stored vectors. usearch without its
// SIMD library converts f16 one value at a time in portable code, which made
// a 10,000-vector index take minutes to build; this uses the CPU's F16C
// conversions when it has them (checked at run time) and a portable loop
// otherwise. Internal to rag/vector_index.cc.
//
// Thread-safety: pure function.
#ifndef HEARTH_RAG_F16_COSINE_H_
#define HEARTH_RAG_F16_COSINE_H_

#include <cstddef>
#include <cstdint>

namespace hearth::internal {

// Writes `count` floats from `in` to `out` as IEEE half floats, rounded to
// nearest even; values beyond the half range (±65504) are clamped to it, so
// a finite float stays finite.
void FloatsToF16(const float* in, size_t count, uint16_t* out);

// One value each way, in portable code (FloatsToF16's tail, and tests).
uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t half);

// 1 - cos(a, b) for `dimensions` IEEE half floats at `a` and `b` (passed as
// addresses, usearch's calling convention); 0 when both are zero vectors and
// 1 when one is.
float CosineDistanceF16(uintptr_t a, uintptr_t b, uintptr_t dimensions);

// The same for i8 vectors (AVX2 when available); usearch's portable i8
// cosine was five times slower than its f16 one.
float CosineDistanceI8(uintptr_t a, uintptr_t b, uintptr_t dimensions);

}  // namespace hearth::internal

#endif  // HEARTH_RAG_F16_COSINE_H_
