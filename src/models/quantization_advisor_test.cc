#include "models/quantization_advisor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

namespace hearth {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(MeminfoTest, ReadsTotalAndAvailable) {
  StatusOr<MachineMemory> memory = ParseMeminfo(
      "MemTotal:       24576000 kB\nMemFree:         1000 kB\nMemAvailable:   20000000 kB\n");
  ASSERT_TRUE(memory.ok()) << memory.status();
  EXPECT_EQ(memory->total, 24576000ull * 1024);
  EXPECT_EQ(memory->available, 20000000ull * 1024);
}

TEST(MeminfoTest, FallsBackToMemFreeAndRefusesTextWithoutTotal) {
  StatusOr<MachineMemory> old_kernel = ParseMeminfo("MemTotal: 100 kB\nMemFree: 40 kB\n");
  ASSERT_TRUE(old_kernel.ok());
  EXPECT_EQ(old_kernel->available, 40u * 1024);
  EXPECT_EQ(ParseMeminfo("MemFree: 40 kB\n").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMeminfo("MemTotal: lots\n").status().code(), StatusCode::kInvalidArgument);
}

TEST(MeminfoTest, ThisMachineHasMemory) {
  StatusOr<MachineMemory> memory = ReadMachineMemory();
  ASSERT_TRUE(memory.ok()) << memory.status();
  EXPECT_GT(memory->total, 0u);
  EXPECT_LE(memory->available, memory->total);
  EXPECT_EQ(ReadMachineMemory("/nonexistent/meminfo").status().code(), StatusCode::kNotFound);
}

TEST(BudgetTest, ReservesTwoGibibytesOrTenPercent) {
  EXPECT_EQ(DefaultBudget(24 * kGiB), 24 * kGiB - 24 * kGiB / 10);
  EXPECT_EQ(DefaultBudget(8 * kGiB), 6 * kGiB);
  EXPECT_EQ(DefaultBudget(kGiB), 0u);
}

TEST(ParameterCountTest, ParsesSuffixes) {
  EXPECT_EQ(*ParseParameterCount("8B"), 8'000'000'000u);
  EXPECT_EQ(*ParseParameterCount("1.5b"), 1'500'000'000u);
  EXPECT_EQ(*ParseParameterCount("500M"), 500'000'000u);
  EXPECT_EQ(*ParseParameterCount("260K"), 260'000u);
  EXPECT_EQ(*ParseParameterCount("1000"), 1000u);
  for (const char* bad : {"", "B", "eight", "-1B", "0", "8X"}) {
    EXPECT_EQ(ParseParameterCount(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

AdviceRequest EightB(uint64_t budget) {
  return AdviceRequest{.model = ModelForParameterCount(8'000'000'000),
                       .context_length = 4096,
                       .slots = 1,
                       .budget = budget,
                       .companions = {},
                       .headroom_fraction = 0.10};
}

TEST(AdvisorTest, RecommendsTheLargestTypeThatFitsWithHeadroom) {
  Advice roomy = AdviseQuantization(EightB(64 * kGiB));
  ASSERT_EQ(roomy.rows.size(), 6u);
  EXPECT_TRUE(roomy.rows.back().has_headroom);  // f16 fits, and is listed...
  EXPECT_EQ(roomy.recommended, QuantizationType::kQ8_0);  // ...but q8_0 is recommended
  EXPECT_THAT(roomy.explanation, HasSubstr("f16 would fit too, but is never recommended"));
  // ~8.5 GB of q8_0 weights plus 512 MiB of KV cache: q8_0 fits in 12 GiB, f16 does not.
  Advice twelve = AdviseQuantization(EightB(12 * kGiB));
  EXPECT_EQ(twelve.recommended, QuantizationType::kQ8_0);
  EXPECT_FALSE(twelve.rows.back().fits);
  EXPECT_THAT(twelve.explanation, HasSubstr("q8_0 is the highest-quality type"));
}

TEST(AdvisorTest, CompanionsTakeTheirShareFirst) {
  AdviceRequest request = EightB(12 * kGiB);
  request.companions = {{"embedder", "nomic", 3 * kGiB}, {"reranker", "bge", 2 * kGiB}};
  Advice advice = AdviseQuantization(request);
  EXPECT_EQ(advice.companions_bytes, 5 * kGiB);
  ASSERT_TRUE(advice.recommended.has_value());
  EXPECT_LT(static_cast<int>(*advice.recommended), static_cast<int>(QuantizationType::kQ8_0));
  for (const AdviceRow& row : advice.rows) {
    EXPECT_EQ(row.fits, row.footprint.total() + 5 * kGiB <= 12 * kGiB);
  }
}

TEST(AdvisorTest, WithoutHeadroomFallsBackToTheSmallestThatFitsAndSaysSo) {
  AdviceRequest request = EightB(0);
  const Advice probe = AdviseQuantization(request);
  request.budget = probe.rows.front().footprint.total() + 1;  // q4_0 fits, barely
  Advice advice = AdviseQuantization(request);
  EXPECT_EQ(advice.recommended, QuantizationType::kQ4_0);
  EXPECT_THAT(advice.explanation, HasSubstr("less than 10%"));
}

TEST(AdvisorTest, RecommendsNothingWhenNothingFits) {
  Advice advice = AdviseQuantization(EightB(2 * kGiB));
  EXPECT_FALSE(advice.recommended.has_value());
  EXPECT_THAT(advice.explanation, HasSubstr("no type fits"));
}

TEST(AdvisorTest, AParameterCountGetsTheNearestCommonShape) {
  // 1B (16 layers) and 70B (80 layers) differ in KV cache by their layers.
  ModelLoadOptions options;
  options.context_length = 8192;
  const Footprint small = EstimateFootprint(ModelForParameterCount(1'000'000'000).gguf, options);
  const Footprint large = EstimateFootprint(ModelForParameterCount(70'000'000'000).gguf, options);
  EXPECT_EQ(small.kv_cache, 2ull * 16 * 8192 * 512 * 2);
  EXPECT_EQ(large.kv_cache, 2ull * 80 * 8192 * 1024 * 2);
  EXPECT_EQ(ModelForParameterCount(8'000'000'000).label, "8B");
}

TEST(AdvisorTest, AnInstalledModelsOwnTypeUsesItsRealSize) {
  GgufSummary gguf = ModelForParameterCount(1'000'000'000).gguf;
  gguf.metadata.emplace("general.file_type", GgufValue(GgufValue::Storage(uint32_t{7})));  // Q8_0
  gguf.tensor_bytes = 1'300'000'000;
  AdvisedModel model = ModelFromGguf("mine", gguf);
  EXPECT_EQ(model.stored_type, QuantizationType::kQ8_0);
  Advice advice = AdviseQuantization({.model = model,
                                             .context_length = 4096,
                                             .slots = 1,
                                             .budget = 64 * kGiB,
                                             .companions = {},
                                             .headroom_fraction = 0.10});
  EXPECT_EQ(advice.rows[4].type, QuantizationType::kQ8_0);
  EXPECT_EQ(advice.rows[4].footprint.weights, 1'300'000'000u);
  EXPECT_EQ(advice.rows[0].footprint.weights, EstimateWeightBytes(1'000'000'000, QuantizationType::kQ4_0));
}

}  // namespace
}  // namespace hearth
