#include "models/quantization_type.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

using ::testing::HasSubstr;

TEST(QuantizationTypeTest, ParsesEveryTargetInAnyCase) {
  EXPECT_EQ(*ParseQuantizeTarget("q4_0"), QuantizationType::kQ4_0);
  EXPECT_EQ(*ParseQuantizeTarget("Q4_K_M"), QuantizationType::kQ4_K_M);
  EXPECT_EQ(*ParseQuantizeTarget("q5_k_m"), QuantizationType::kQ5_K_M);
  EXPECT_EQ(*ParseQuantizeTarget("q6_K"), QuantizationType::kQ6_K);
  EXPECT_EQ(*ParseQuantizeTarget("Q8_0"), QuantizationType::kQ8_0);
}

TEST(QuantizationTypeTest, RefusesUnknownTypesListingTheValidOnes) {
  for (const char* bad : {"q3_K_S", "f16", "", "q8_0 ", "q4"}) {
    StatusOr<QuantizationType> type = ParseQuantizeTarget(bad);
    ASSERT_FALSE(type.ok()) << bad;
    EXPECT_EQ(type.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(type.status().message(), HasSubstr("q4_0, q4_K_M, q5_K_M, q6_K, q8_0"));
  }
}

TEST(QuantizationTypeTest, WeightBytesFollowBitsPerWeight) {
  EXPECT_EQ(EstimateWeightBytes(1'000'000'000, QuantizationType::kQ8_0), 1'062'500'000u);
  EXPECT_EQ(EstimateWeightBytes(1'000'000'000, QuantizationType::kF16), 2'000'000'000u);
  EXPECT_EQ(EstimateWeightBytes(1'000'000'000, QuantizationType::kQ4_0), 562'500'000u);
  uint64_t previous = 0;
  for (const QuantizationTypeInfo& info : AllQuantizationTypes()) {
    EXPECT_GT(EstimateWeightBytes(8'000'000'000, info.type), previous) << info.name;
    previous = EstimateWeightBytes(8'000'000'000, info.type);
  }
}

}  // namespace
}  // namespace hearth
