#include "models/sampler_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace hearth {
namespace {

using ::testing::HasSubstr;

TEST(SamplerChainTest, DefaultsAndGreedyAreValid) {
  EXPECT_EQ(ValidateSamplingOptions({}), OkStatus());
  EXPECT_EQ(ValidateSamplingOptions({.temperature = 0.0f, .top_k = 0, .top_p = 1.0f}),
            OkStatus());
}

TEST(SamplerChainTest, OutOfRangeValuesNameTheField) {
  struct Case {
    SamplingOptions options;
    const char* field;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Case cases[] = {
      {{.temperature = -0.1f}, "temperature"},
      {{.temperature = nan}, "temperature"},
      {{.top_p = 0.0f}, "top_p"},
      {{.top_p = 1.01f}, "top_p"},
      {{.min_p = -0.5f}, "min_p"},
      {{.repeat_penalty = 0.0f}, "repeat_penalty"},
      {{.repeat_last_n = -2}, "repeat_last_n"},
      {{.presence_penalty = std::numeric_limits<float>::infinity()}, "presence_penalty"},
      {{.frequency_penalty = nan}, "frequency_penalty"},
  };
  for (const Case& c : cases) {
    const Status status = ValidateSamplingOptions(c.options);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(status.message(), HasSubstr(c.field));
  }
}

}  // namespace
}  // namespace hearth
