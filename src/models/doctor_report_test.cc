#include "models/doctor_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hearth {
namespace {

using ::testing::HasSubstr;

constexpr uint64_t kGiB = uint64_t{1} << 30;

TEST(DoctorReportTest, OverviewAdvisesEveryCommonSizeBesideATypicalEmbedder) {
  StatusOr<DoctorReport> report = BuildDoctorReport(nullptr, {.budget = 6 * kGiB});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->budget, 6 * kGiB);
  EXPECT_TRUE(report->budget_given);
  EXPECT_TRUE(report->typical_embedder_assumed);
  ASSERT_EQ(report->companions.size(), 1u);
  EXPECT_EQ(report->companions[0].bytes, kTypicalEmbedderBytes);
  ASSERT_EQ(report->advice.size(), 6u);
  for (size_t i = 1; i < report->advice.size(); ++i) {
    EXPECT_LT(report->advice[i - 1].model.parameter_count, report->advice[i].model.parameter_count);
  }
  const SizedAdvice& small = report->advice.front();
  ASSERT_TRUE(small.advice.recommended.has_value());
  EXPECT_EQ(*small.advice.recommended, QuantizationType::kQ8_0);
  EXPECT_EQ(small.suggested_pull, "llama3.2:1b-instruct-q8_0");
  const SizedAdvice& huge = report->advice.back();
  EXPECT_FALSE(huge.advice.recommended.has_value());
  EXPECT_EQ(huge.suggested_pull, "");
  // The embedder counts: each row's companions are the typical embedder.
  EXPECT_EQ(small.advice.companions_bytes, kTypicalEmbedderBytes);
}

TEST(DoctorReportTest, LargestComfortableSizeGrowsWithTheBudget) {
  StatusOr<DoctorReport> small = BuildDoctorReport(nullptr, {.budget = 4 * kGiB});
  StatusOr<DoctorReport> large = BuildDoctorReport(nullptr, {.budget = 64 * kGiB});
  ASSERT_TRUE(small.ok() && large.ok());
  const SizedAdvice* on_small = LargestComfortableSize(*small);
  const SizedAdvice* on_large = LargestComfortableSize(*large);
  ASSERT_NE(on_small, nullptr);
  ASSERT_NE(on_large, nullptr);
  EXPECT_LT(on_small->model.parameter_count, on_large->model.parameter_count);
  StatusOr<DoctorReport> tiny = BuildDoctorReport(nullptr, {.budget = 256ull << 20});
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(LargestComfortableSize(*tiny), nullptr);
}

TEST(DoctorReportTest, OneSizeGivesOneTableWithoutAssumedCompanions) {
  StatusOr<DoctorReport> report =
      BuildDoctorReport(nullptr, {.params = "8B", .context = 8192, .budget = 16 * kGiB});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->advice.size(), 1u);
  EXPECT_EQ(report->context, 8192);
  EXPECT_TRUE(report->companions.empty());
  EXPECT_FALSE(report->typical_embedder_assumed);
  EXPECT_EQ(report->advice[0].advice.rows.size(), 6u);
  EXPECT_TRUE(report->advice[0].advice.recommended.has_value());
}

TEST(DoctorReportTest, BadQueriesSayWhatIsWrong) {
  EXPECT_THAT(BuildDoctorReport(nullptr, {.model = "a", .params = "8B"}).status().message(),
              HasSubstr("not both"));
  EXPECT_EQ(BuildDoctorReport(nullptr, {.params = "8B", .context = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(BuildDoctorReport(nullptr, {.params = "lots"}).status().code(),
            StatusCode::kInvalidArgument);
  // A name needs a store to be found in.
  EXPECT_EQ(BuildDoctorReport(nullptr, {.model = "llama3"}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(BuildDoctorReport(nullptr, {.params = "1B", .embedder = "nomic"}).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace hearth
