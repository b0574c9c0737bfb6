// Embedding and rerank through the engine on fixture models: one vector or
// score per input, packing many inputs into a decode changes nothing.
#include "models/embedding_batcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/engine_test_models.h"
#include "models/inference_engine.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;
using fixture::FixtureKind;

double Norm(const std::vector<float>& vector) {
  double sum = 0.0;
  for (float value : vector) sum += double{value} * value;
  return std::sqrt(sum);
}

std::vector<std::string> SampleTexts() {
  std::vector<std::string> texts;
  const char* words[] = {"cat", "revenue", "the river", "quantum", "bread and butter", "llama"};
  for (int i = 0; i < 20; ++i) {
    std::string text = "document " + std::to_string(i) + ":";
    for (int w = 0; w <= i % 7; ++w) text += std::string(" ") + words[(i + w) % 6];
    texts.push_back(text);
  }
  return texts;
}

std::unique_ptr<InferenceEngine> OpenFixture(FixtureKind kind, const std::string& preset,
                                             int32_t batch_size) {
  const std::filesystem::path path = testing::FixtureModel(kind, preset);
  if (path.empty()) return nullptr;
  return testing::OpenEngine(
      {.model_path = path, .context_length = 512, .threads = 1, .batch_size = batch_size});
}

TEST(NormalizeL2Test, ScalesToUnitLengthAndLeavesZeroAlone) {
  std::vector<float> vector = {3.0f, 4.0f};
  NormalizeL2(vector);
  EXPECT_FLOAT_EQ(vector[0], 0.6f);
  EXPECT_FLOAT_EQ(vector[1], 0.8f);
  std::vector<float> zero = {0.0f, 0.0f};
  NormalizeL2(zero);
  EXPECT_EQ(zero, (std::vector<float>{0.0f, 0.0f}));
}

TEST(EmbedTest, OneUnitVectorPerInputOfTheModelsWidth) {
  auto engine = OpenFixture(FixtureKind::kEmbedder, "minilm", 512);
  ASSERT_NE(engine, nullptr);
  StatusOr<EmbedResult> result =
      engine->Embed({.inputs = {"a cat sat on the mat", "quarterly revenue grew", "x"}}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->embeddings.size(), 3u);
  for (const auto& vector : result->embeddings) {
    EXPECT_EQ(vector.size(), 384u);
    EXPECT_NEAR(Norm(vector), 1.0, 1e-4);
  }
  EXPECT_NE(result->embeddings[0], result->embeddings[1]);
  EXPECT_GT(result->prompt_tokens, 6);
  EXPECT_EQ(result->truncated, (std::vector<bool>{false, false, false}));

  StatusOr<EmbedResult> raw = engine->Embed({.inputs = {"a cat sat on the mat"}, .normalize = false}, {});
  ASSERT_TRUE(raw.ok()) << raw.status();
  const double norm = Norm(raw->embeddings[0]);
  ASSERT_GT(norm, 0.0);
  EXPECT_GT(std::abs(norm - 1.0), 1e-3);  // really not normalized
  for (size_t i = 0; i < 384; ++i) {
    EXPECT_NEAR(raw->embeddings[0][i] / norm, result->embeddings[0][i], 1e-4);
  }
}

TEST(EmbedTest, PackedBatchesEqualEachInputAlone) {
  // A batch of 64 tokens forces several decodes for 20 inputs.
  auto engine = OpenFixture(FixtureKind::kEmbedder, "minilm", 64);
  ASSERT_NE(engine, nullptr);
  const std::vector<std::string> texts = SampleTexts();
  StatusOr<EmbedResult> together = engine->Embed({.inputs = texts}, {});
  ASSERT_TRUE(together.ok()) << together.status();
  ASSERT_EQ(together->embeddings.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    StatusOr<EmbedResult> alone = engine->Embed({.inputs = {texts[i]}}, {});
    ASSERT_TRUE(alone.ok()) << alone.status();
    for (size_t d = 0; d < 384; ++d) {
      ASSERT_NEAR(together->embeddings[i][d], alone->embeddings[0][d], 1e-4)
          << "input " << i << " dimension " << d;
    }
  }
}

TEST(EmbedTest, LongInputsAreTruncatedOrRefusedAsAsked) {
  auto engine = OpenFixture(FixtureKind::kEmbedder, "tiny", 32);
  ASSERT_NE(engine, nullptr);
  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "word ";
  StatusOr<EmbedResult> cut = engine->Embed({.inputs = {"short", long_text}}, {});
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_EQ(cut->truncated, (std::vector<bool>{false, true}));
  EXPECT_EQ(cut->embeddings.size(), 2u);

  StatusOr<EmbedResult> refused =
      engine->Embed({.inputs = {"short", long_text}, .truncate = false}, {});
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("input 1"));
  EXPECT_THAT(refused.status().message(), HasSubstr("32"));

  EXPECT_EQ(engine->Embed({.inputs = {}}, {}).status().code(), StatusCode::kInvalidArgument);
  GenerateRequest generate;
  generate.prompt = "hello";
  EXPECT_EQ(engine->Generate(generate, {}, {}).status().code(), StatusCode::kInvalidArgument);
  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_EQ(engine->Embed({.inputs = {"x"}}, stopped.get_token()).status().code(),
            StatusCode::kCancelled);
  EXPECT_TRUE(engine->Embed({.inputs = {"still works"}}, {}).ok());
}

TEST(EmbedTest, StatsDescribeAnEncoder) {
  auto engine = OpenFixture(FixtureKind::kEmbedder, "minilm", 512);
  ASSERT_NE(engine, nullptr);
  StatusOr<InferenceStats> stats = engine->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->embedding_length, 384);
  EXPECT_TRUE(stats->has_encoder_only);
  EXPECT_FALSE(stats->is_reranker);
  EXPECT_EQ(stats->slots, 0);
  EXPECT_EQ(stats->kv_cache_bytes, 0u);
  EXPECT_GT(stats->resident_bytes, 0u);
}

TEST(RerankTest, OneStableScorePerDocument) {
  auto engine = OpenFixture(FixtureKind::kReranker, "tiny", 512);
  ASSERT_NE(engine, nullptr);
  const RerankRequest request{.query = "what is a cat",
                              .documents = {"a cat is a small animal", "stocks fell on monday",
                                            "cats purr", "the weather is mild"}};
  StatusOr<RerankResult> first = engine->Rerank(request, {});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->scores.size(), 4u);
  EXPECT_NE(first->scores[0], first->scores[1]);
  for (float score : first->scores) EXPECT_TRUE(std::isfinite(score));
  StatusOr<RerankResult> second = engine->Rerank(request, {});
  ASSERT_TRUE(second.ok()) << second.status();
  for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(second->scores[i], first->scores[i], 1e-5);
  StatusOr<RerankResult> alone =
      engine->Rerank({.query = request.query, .documents = {request.documents[2]}}, {});
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_NEAR(alone->scores[0], first->scores[2], 1e-4);

  StatusOr<InferenceStats> stats = engine->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_TRUE(stats->is_reranker);
  EXPECT_EQ(engine->Rerank({.query = "q", .documents = {}}, {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(engine->Embed({.inputs = {"x"}}, {}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
