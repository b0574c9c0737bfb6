// The worker's two text formats: llama.cpp's fallback warning in, hearth's
// fallback line out.
#include "models/quantize_worker.h"

#include <gtest/gtest.h>

namespace hearth {
namespace {

TEST(QuantizeWorkerTest, RecognizesLlamaCppFallbackWarnings) {
  std::optional<TensorFallback> k_quant = ParseLlamaFallbackWarning(
      "warning: blk.0.ffn_down.weight                - ncols    172 not divisible by 256 "
      "(required for type    q6_K) -> falling back to    q8_0");
  ASSERT_TRUE(k_quant.has_value());
  EXPECT_EQ(*k_quant, (TensorFallback{"blk.0.ffn_down.weight", "q6_K", "q8_0"}));

  std::optional<TensorFallback> unusual = ParseLlamaFallbackWarning(
      "warning: blk.1.ffn_down.weight - ncols    172 not divisible by  32 (required for type "
      "q8_0) (WARNING: must use F16 due to unusual shape) -> falling back to     f16");
  ASSERT_TRUE(unusual.has_value());
  EXPECT_EQ(*unusual, (TensorFallback{"blk.1.ffn_down.weight", "q8_0", "f16"}));
}

TEST(QuantizeWorkerTest, IgnoresOtherWarnings) {
  EXPECT_FALSE(ParseLlamaFallbackWarning("llama_model_quantize_impl: WARNING: 3 of 48 tensor(s) "
                                         "required fallback quantization"));
  EXPECT_FALSE(ParseLlamaFallbackWarning("warning: something else entirely"));
  EXPECT_FALSE(ParseLlamaFallbackWarning(""));
  EXPECT_FALSE(ParseLlamaFallbackWarning(
      "warning:  - ncols 1 not divisible by 32 (required for type q8_0) -> falling back to f16"));
}

TEST(QuantizeWorkerTest, FallbackLinesRoundTrip) {
  const TensorFallback fallback{"output.weight", "q6_K", "q8_0"};
  EXPECT_EQ(FormatFallbackLine(fallback), "fallback output.weight q6_K q8_0");
  EXPECT_EQ(ParseFallbackLine(FormatFallbackLine(fallback)), fallback);
  EXPECT_FALSE(ParseFallbackLine("fallback output.weight q6_K"));
  EXPECT_FALSE(ParseFallbackLine("fallback a b c d"));
  EXPECT_FALSE(ParseFallbackLine("[   1/  48] token_embd.weight"));
}

TEST(QuantizeWorkerTest, RefusesANonTargetTypeWithoutRunningLlamaCpp) {
  std::ostringstream report;
  Status status = RunQuantizeWorker(
      {.input = "/nonexistent.gguf", .output = "/nonexistent-out.gguf", .type = QuantizationType::kF16},
      report);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(report.str(), "");
}

}  // namespace
}  // namespace hearth
