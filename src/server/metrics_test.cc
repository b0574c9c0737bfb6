#include "server/metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, CountsRequestsByRoutePatternAndFillsTheHistogram) {
  Metrics metrics;
  metrics.RequestStarted();
  metrics.RequestFinished("/api/blobs/:digest", "POST", 201, 0.02);
  metrics.RequestStarted();
  metrics.RequestFinished("", "GET", 404, 3.0);
  const std::string text = metrics.Render(nullptr);
  EXPECT_THAT(text, HasSubstr(
      "hearth_http_requests_total{route=\"/api/blobs/:digest\",method=\"POST\",status=\"201\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hearth_http_requests_total{route=\"other\",method=\"GET\",status=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(
      "hearth_http_request_duration_seconds_bucket{route=\"/api/blobs/:digest\",le=\"0.025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(
      "hearth_http_request_duration_seconds_bucket{route=\"/api/blobs/:digest\",le=\"0.01\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("hearth_http_request_duration_seconds_count{route=\"other\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hearth_http_requests_in_flight 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE hearth_http_request_duration_seconds histogram\n"));
}

TEST(MetricsTest, AnswerStagesAndLedgerPartsFillTheirHistograms) {
  Metrics metrics;
  metrics.RecordRagStage("prefill", 0.2);
  metrics.RecordRagStage("prefill", 0.04);
  metrics.RecordLedgerTokens("retrieved", 3000);
  const std::string text = metrics.Render(nullptr);
  EXPECT_THAT(text, HasSubstr("# TYPE hearth_rag_stage_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("hearth_rag_stage_seconds_bucket{stage=\"prefill\",le=\"0.05\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hearth_rag_stage_seconds_bucket{stage=\"prefill\",le=\"0.25\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("hearth_rag_stage_seconds_count{stage=\"prefill\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("hearth_rag_ledger_tokens_bucket{part=\"retrieved\",le=\"2048\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("hearth_rag_ledger_tokens_bucket{part=\"retrieved\",le=\"4096\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hearth_rag_ledger_tokens_sum{part=\"retrieved\"} 3000\n"));
}

TEST(MetricsTest, TokensAndEventsAccumulatePerModel) {
  Metrics metrics;
  metrics.RecordUsage({.model = "m:latest", .kind = "generate", .prompt_tokens = 10,
                       .generated_tokens = 4, .decode = std::chrono::milliseconds(500)});
  metrics.RecordUsage({.model = "m:latest", .kind = "generate", .prompt_tokens = 5,
                       .generated_tokens = 6, .decode = std::chrono::milliseconds(500)});
  metrics.RecordUsage({.model = "e:latest", .kind = "embed", .prompt_tokens = 7});
  metrics.RecordModelEvent({.kind = ModelEventKind::kLoad});
  metrics.RecordModelEvent({.kind = ModelEventKind::kLoad});
  const std::string text = metrics.Render(nullptr);
  EXPECT_THAT(text, HasSubstr("hearth_prompt_tokens_total{model=\"m:latest\",kind=\"generate\"} 15\n"));
  EXPECT_THAT(text, HasSubstr("hearth_prompt_tokens_total{model=\"e:latest\",kind=\"embed\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("hearth_generated_tokens_total{model=\"m:latest\"} 10\n"));
  EXPECT_THAT(text, HasSubstr("hearth_decode_seconds_total{model=\"m:latest\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("hearth_generated_tokens_total{model=\"e:latest\"}")));
  EXPECT_THAT(text, HasSubstr("hearth_model_events_total{kind=\"load\"} 2\n"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics metrics;
  metrics.RecordUsage({.model = "a\"b\\c\nd", .kind = "embed", .prompt_tokens = 1});
  EXPECT_THAT(metrics.Render(nullptr), HasSubstr("model=\"a\\\"b\\\\c\\nd\""));
}

}  // namespace
}  // namespace hearth
