#include "rag/f16_cosine.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace hearth::internal {

float HalfToFloat(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half >> 15) << 31;
  const uint32_t exponent = (half >> 10) & 0x1F;
  const uint32_t mantissa = half & 0x3FF;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);  // zero or subnormal
    return sign ? -value : value;
  }
  const uint32_t bits = exponent == 31 ? sign | 0x7F800000u | (mantissa << 13)
                                       : sign | ((exponent + 112) << 23) | (mantissa << 13);
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

constexpr float kMaxHalf = 65504.0f;

uint16_t FloatToHalf(float value) {
  value = std::clamp(value, -kMaxHalf, kMaxHalf);
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  const int exponent = static_cast<int>((bits >> 23) & 0xFF) - 127 + 15;
  uint32_t mantissa = bits & 0x7FFFFF;
  int shift = 13;  // the float mantissa's 23 bits become the half's 10
  uint32_t half = 0;
  if (exponent <= 0) {  // a half subnormal, or zero
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    shift = 14 - exponent;
  } else {
    half = static_cast<uint32_t>(exponent) << 10;
  }
  half |= mantissa >> shift;
  const uint32_t rest = mantissa & ((1u << shift) - 1);
  const uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (half & 1) != 0)) ++half;  // a carry is right
  return static_cast<uint16_t>(sign | half);
}

namespace {

float Finish(float ab, float a2, float b2) {
  if (a2 == 0 && b2 == 0) return 0;
  if (a2 == 0 || b2 == 0) return 1;
  return 1 - ab / (std::sqrt(a2) * std::sqrt(b2));
}

float PortableDistance(const uint16_t* a, const uint16_t* b, size_t n) {
  float ab = 0, a2 = 0, b2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const float x = HalfToFloat(a[i]);
    const float y = HalfToFloat(b[i]);
    ab += x * y;
    a2 += x * x;
    b2 += y * y;
  }
  return Finish(ab, a2, b2);
}

float PortableDistanceI8(const int8_t* a, const int8_t* b, size_t n) {
  int64_t ab = 0, a2 = 0, b2 = 0;
  for (size_t i = 0; i < n; ++i) {
    ab += a[i] * b[i];
    a2 += a[i] * a[i];
    b2 += b[i] * b[i];
  }
  return Finish(static_cast<float>(ab), static_cast<float>(a2), static_cast<float>(b2));
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) int32_t SumI32(__m256i v) {
  const __m128i folded = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i pairs = _mm_add_epi32(folded, _mm_unpackhi_epi64(folded, folded));
  return _mm_cvtsi128_si32(_mm_add_epi32(pairs, _mm_shuffle_epi32(pairs, 1)));
}

// Products of i8 values fit in i16 pairs summed to i32 (madd); 384 dims of
// at most 127 * 127 stay far below i32 limits.
__attribute__((target("avx2"))) float Avx2DistanceI8(const int8_t* a, const int8_t* b, size_t n) {
  __m256i ab = _mm256_setzero_si256(), a2 = _mm256_setzero_si256(), b2 = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i a_bytes, b_bytes;
    std::memcpy(&a_bytes, a + i, sizeof(a_bytes));
    std::memcpy(&b_bytes, b + i, sizeof(b_bytes));
    const __m256i x = _mm256_cvtepi8_epi16(a_bytes);
    const __m256i y = _mm256_cvtepi8_epi16(b_bytes);
    ab = _mm256_add_epi32(ab, _mm256_madd_epi16(x, y));
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(x, x));
    b2 = _mm256_add_epi32(b2, _mm256_madd_epi16(y, y));
  }
  int64_t sab = SumI32(ab), sa2 = SumI32(a2), sb2 = SumI32(b2);
  for (; i < n; ++i) {
    sab += a[i] * b[i];
    sa2 += a[i] * a[i];
    sb2 += b[i] * b[i];
  }
  return Finish(static_cast<float>(sab), static_cast<float>(sa2), static_cast<float>(sb2));
}

__attribute__((target("avx2,f16c,fma"))) float Sum(__m256 v) {
  const __m128 folded = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 pairs = _mm_add_ps(folded, _mm_movehl_ps(folded, folded));
  return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
}

__attribute__((target("avx2,f16c,fma"))) float F16cDistance(const uint16_t* a, const uint16_t* b,
                                                            size_t n) {
  __m256 ab = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m128i a_half, b_half;
    std::memcpy(&a_half, a + i, sizeof(a_half));
    std::memcpy(&b_half, b + i, sizeof(b_half));
    const __m256 x = _mm256_cvtph_ps(a_half);
    const __m256 y = _mm256_cvtph_ps(b_half);
    ab = _mm256_fmadd_ps(x, y, ab);
    a2 = _mm256_fmadd_ps(x, x, a2);
    b2 = _mm256_fmadd_ps(y, y, b2);
  }
  float sab = Sum(ab), sa2 = Sum(a2), sb2 = Sum(b2);
  for (; i < n; ++i) {
    const float x = HalfToFloat(a[i]);
    const float y = HalfToFloat(b[i]);
    sab += x * y;
    sa2 += x * x;
    sb2 += y * y;
  }
  return Finish(sab, sa2, sb2);
}

__attribute__((target("avx2,f16c,fma"))) void F16cFloatsToF16(const float* in, size_t count,
                                                               uint16_t* out) {
  const __m256 low = _mm256_set1_ps(-kMaxHalf), high = _mm256_set1_ps(kMaxHalf);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 clamped = _mm256_min_ps(_mm256_max_ps(_mm256_loadu_ps(in + i), low), high);
    const __m128i half = _mm256_cvtps_ph(clamped, _MM_FROUND_TO_NEAREST_INT);
    std::memcpy(out + i, &half, sizeof(half));
  }
  for (; i < count; ++i) out[i] = FloatToHalf(in[i]);
}

// F16C is read from CPUID leaf 1 (ECX bit 29): clang's __builtin_cpu_supports
// does not know "f16c".
bool CpuidHasF16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
}

bool HasF16c() {
  static const bool has =
      __builtin_cpu_supports("avx2") && CpuidHasF16c() && __builtin_cpu_supports("fma");
  return has;
}
#endif

}  // namespace

void FloatsToF16(const float* in, size_t count, uint16_t* out) {
#if defined(__x86_64__)
  if (HasF16c()) return F16cFloatsToF16(in, count, out);
#endif
  for (size_t i = 0; i < count; ++i) out[i] = FloatToHalf(in[i]);
}

float CosineDistanceF16(uintptr_t a, uintptr_t b, uintptr_t dimensions) {
  const auto* x = reinterpret_cast<const uint16_t*>(a);
  const auto* y = reinterpret_cast<const uint16_t*>(b);
#if defined(__x86_64__)
  if (HasF16c()) return F16cDistance(x, y, dimensions);
#endif
  return PortableDistance(x, y, dimensions);
}

float CosineDistanceI8(uintptr_t a, uintptr_t b, uintptr_t dimensions) {
  const auto* x = reinterpret_cast<const int8_t*>(a);
  const auto* y = reinterpret_cast<const int8_t*>(b);
#if defined(__x86_64__)
  if (HasF16c()) return Avx2DistanceI8(x, y, dimensions);
#endif
  return PortableDistanceI8(x, y, dimensions);
}

}  // namespace hearth::internal
