#include "models/placement.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/engine_test_models.h"
#include "models/gguf_file.h"

namespace hearth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr uint64_t kMiB = 1 << 20;

class PlacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path path = testing::FixtureModel(fixture::FixtureKind::kDecoder, "tiny");
    ASSERT_FALSE(path.empty());
    StatusOr<GgufSummary> read = ReadGgufFile(path);
    ASSERT_TRUE(read.ok()) << read.status();
    gguf_ = std::move(*read);
    wanted_.model_path = path;
    wanted_.context_length = 8192;
    as_asked_ = EstimateFootprint(gguf_, wanted_).total();
  }

  PlacementInput Input(uint64_t budget, uint64_t used, std::vector<PlacementCandidate> idle = {}) {
    return PlacementInput{.gguf = gguf_, .wanted = wanted_, .budget = budget, .used = used,
                          .idle = std::move(idle), .holders = {"chat:latest 900 MiB (serving)"},
                          .min_context = 0, .model_display = "tiny:latest"};
  }

  std::chrono::steady_clock::time_point At(int seconds) {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(seconds));
  }

  GgufSummary gguf_;
  ModelLoadOptions wanted_;
  uint64_t as_asked_ = 0;
};

TEST_F(PlacementTest, FitsBesideEverythingAsAsked) {
  auto decision = DecidePlacement(Input(as_asked_ + 100 * kMiB, 100 * kMiB));
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(decision->victim_keys, IsEmpty());
  EXPECT_THAT(decision->plan.degradations, IsEmpty());
  EXPECT_EQ(decision->plan.options.context_length, 8192);
}

TEST_F(PlacementTest, DegradesBeforeEvictingSoModelsStayTogether) {
  // Room beside the idle model for the smaller context, not for 8192.
  uint64_t used = 50 * kMiB;
  auto decision = DecidePlacement(
      Input(used + as_asked_ - 1, used, {{.key = "embedder", .bytes = used, .last_used = At(1)}}));
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(decision->victim_keys, IsEmpty());
  ASSERT_FALSE(decision->plan.degradations.empty());
  EXPECT_LT(decision->plan.options.context_length, 8192);
  EXPECT_LE(decision->plan.footprint.total(), as_asked_ - 1);
}

TEST_F(PlacementTest, EvictsLeastRecentlyUsedIdleModelsOnlyAsFarAsNeeded) {
  uint64_t big = as_asked_;  // each idle model alone frees enough
  auto decision = DecidePlacement(
      Input(2 * big, 2 * big,
            {{.key = "newer", .bytes = big, .last_used = At(20)},
             {.key = "older", .bytes = big, .last_used = At(10)}}));
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(decision->victim_keys, ElementsAre("older"));
  EXPECT_THAT(decision->plan.degradations, IsEmpty());
}

TEST_F(PlacementTest, RefusesWithNumbersAndEvictsNothingWhenNothingHelps) {
  auto decision = DecidePlacement(Input(as_asked_, as_asked_));
  ASSERT_EQ(decision.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(decision.status().message(), HasSubstr("tiny:latest"));
  EXPECT_THAT(decision.status().message(), HasSubstr("MiB"));
  EXPECT_THAT(decision.status().message(), HasSubstr("chat:latest 900 MiB (serving)"));
  EXPECT_THAT(decision.status().message(), HasSubstr("Nothing was unloaded"));
}

TEST_F(PlacementTest, NeverDegradesBelowWhatTheRequestNeeds) {
  wanted_.kv_cache_type = KvCacheType::kQ8_0;  // no KV degradation left either
  PlacementInput input = Input(EstimateFootprint(gguf_, wanted_).total() - 1, 0);
  input.min_context = 8192;
  auto decision = DecidePlacement(input);
  EXPECT_EQ(decision.status().code(), StatusCode::kResourceExhausted);
}

TEST(FormatMiBTest, RoundsToWholeMiB) {
  EXPECT_EQ(FormatMiB(0), "0 MiB");
  EXPECT_EQ(FormatMiB(3 * kMiB + kMiB / 2), "4 MiB");
  EXPECT_EQ(FormatMiB(3 * kMiB + 10), "3 MiB");
}

}  // namespace
}  // namespace hearth
