#include "rag/f16_cosine.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace hearth::internal {
namespace {

bool IsFiniteHalf(uint16_t half) { return ((half >> 10) & 0x1F) != 0x1F; }

uint16_t Converted(float value) {
  uint16_t out = 0;
  FloatsToF16(&value, 1, &out);
  return out;
}

TEST(F16ConversionTest, EveryFiniteHalfComesBackExactly) {
  std::vector<float> floats;
  std::vector<uint16_t> halves;
  for (uint32_t half = 0; half <= 0xFFFF; ++half) {
    if (!IsFiniteHalf(static_cast<uint16_t>(half))) continue;
    halves.push_back(static_cast<uint16_t>(half));
    floats.push_back(HalfToFloat(static_cast<uint16_t>(half)));
  }
  std::vector<uint16_t> vectorized(floats.size());
  FloatsToF16(floats.data(), floats.size(), vectorized.data());
  for (size_t i = 0; i < floats.size(); ++i) {
    ASSERT_EQ(vectorized[i], halves[i]) << floats[i];
    ASSERT_EQ(FloatToHalf(floats[i]), halves[i]) << floats[i];
  }
}

TEST(F16ConversionTest, TiesRoundToEven) {
  for (uint16_t half = 0x0001; half < 0x7BFF; half = static_cast<uint16_t>(half + 97)) {
    const float midpoint = (HalfToFloat(half) + HalfToFloat(static_cast<uint16_t>(half + 1))) / 2;
    const uint16_t even = (half % 2 == 0) ? half : static_cast<uint16_t>(half + 1);
    EXPECT_EQ(FloatToHalf(midpoint), even) << midpoint;
    EXPECT_EQ(Converted(midpoint), even) << midpoint;
  }
}

TEST(F16ConversionTest, OutOfRangeIsClampedAndTinyIsZero) {
  for (float value : {1e6f, 65520.0f, 3.4e38f}) {
    EXPECT_EQ(FloatToHalf(value), 0x7BFF) << value;  // 65504, not infinity
    EXPECT_EQ(Converted(value), 0x7BFF) << value;
    EXPECT_EQ(FloatToHalf(-value), 0xFBFF) << value;
    EXPECT_EQ(Converted(-value), 0xFBFF) << value;
  }
  EXPECT_EQ(FloatToHalf(1e-10f), 0x0000);
  EXPECT_EQ(FloatToHalf(-1e-10f), 0x8000);
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -24)), 0x0001);  // the smallest subnormal
}

// The vectorized path (F16C, 8 at a time) and the portable one agree on
// values of every magnitude; 1,003 values leave a tail for the portable loop.
TEST(F16ConversionTest, VectorizedMatchesPortable) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(-30, 18);
  std::vector<float> values(1003);
  for (float& value : values) value = std::ldexp(mantissa(rng), exponent(rng));
  std::vector<uint16_t> out(values.size());
  FloatsToF16(values.data(), values.size(), out.data());
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(out[i], FloatToHalf(values[i])) << values[i];
}

TEST(F16CosineTest, DistanceOfStoredVectors) {
  const std::vector<float> a = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<float> b = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<uint16_t> ha(a.size()), hb(b.size()), zero(a.size(), 0);
  FloatsToF16(a.data(), a.size(), ha.data());
  FloatsToF16(b.data(), b.size(), hb.data());
  const auto address = [](const std::vector<uint16_t>& v) {
    return reinterpret_cast<uintptr_t>(v.data());
  };
  EXPECT_NEAR(CosineDistanceF16(address(ha), address(hb), a.size()), 1 - std::sqrt(0.5f), 1e-3);
  EXPECT_NEAR(CosineDistanceF16(address(ha), address(ha), a.size()), 0, 1e-6);
  EXPECT_EQ(CosineDistanceF16(address(zero), address(zero), a.size()), 0);
  EXPECT_EQ(CosineDistanceF16(address(ha), address(zero), a.size()), 1);
}

}  // namespace
}  // namespace hearth::internal
