#include "models/vocab_tokenizer.h"

#include <array>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "llama-cpp.h"
#include "models/engine_test_models.h"
#include "models/llama_backend.h"
#include "models/quiet_llama_log.h"
#include "models/token_text.h"
#include "tests/fixtures/fixture_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string>& SampleTexts() {
  static const std::vector<std::string> texts = {
      "",
      "Hello world",
      "Once upon a time, there was a little girl named Lily.",
      "  leading and trailing spaces  ",
      "line one\nline two\n\n\tindented",
      "caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE6\x96\x87",
      "<|eot_id|> looks special but is counted as text",
      std::string(3000, 'a'),
  };
  return texts;
}

// The counts llama_tokenize gives with the full model loaded.
std::vector<int32_t> ReferenceCounts(const std::filesystem::path& path) {
  InitLlamaBackend();
  testing::ScopedQuietLlamaLog quiet;
  llama_model_ptr model(llama_model_load_from_file(path.c_str(), llama_model_default_params()));
  EXPECT_NE(model, nullptr);
  std::vector<int32_t> counts;
  if (model == nullptr) return counts;
  for (const std::string& text : SampleTexts()) {
    StatusOr<std::vector<llama_token>> tokens =
        TokenizeText(llama_model_get_vocab(model.get()), text, false, false);
    EXPECT_TRUE(tokens.ok()) << tokens.status();
    counts.push_back(tokens.ok() ? static_cast<int32_t>(tokens->size()) : -1);
  }
  return counts;
}

std::vector<int32_t> VocabCounts(const std::filesystem::path& path) {
  testing::ScopedQuietLlamaLog quiet;
  StatusOr<std::unique_ptr<VocabTokenizer>> tokenizer = VocabTokenizer::Open(path);
  EXPECT_TRUE(tokenizer.ok()) << tokenizer.status();
  if (!tokenizer.ok()) return {};
  const std::vector<std::string_view> views(SampleTexts().begin(), SampleTexts().end());
  StatusOr<std::vector<int32_t>> counts = (*tokenizer)->CountTokens(views);
  EXPECT_TRUE(counts.ok()) << counts.status();
  return counts.ok() ? *counts : std::vector<int32_t>{};
}

TEST(VocabTokenizerTest, CountsEqualLlamaTokenizeOnARealModel) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, "models/stories260K.gguf");
  const std::vector<int32_t> expected = ReferenceCounts(model);
  ASSERT_EQ(expected.size(), SampleTexts().size());
  EXPECT_EQ(VocabCounts(model), expected);
  EXPECT_EQ(expected[0], 0);
  EXPECT_GT(expected[2], 5);
}

TEST(VocabTokenizerTest, CountsEqualLlamaTokenizeOnABertEmbedder) {
  const std::filesystem::path model =
      testing::FixtureModel(fixture::FixtureKind::kEmbedder, "tiny");
  ASSERT_FALSE(model.empty());
  const std::vector<int32_t> expected = ReferenceCounts(model);
  ASSERT_EQ(expected.size(), SampleTexts().size());
  EXPECT_EQ(VocabCounts(model), expected);
  EXPECT_GT(expected[1], 1);
}

TEST(VocabTokenizerTest, ConcurrentCountsAgree) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, "models/stories260K.gguf");
  testing::ScopedQuietLlamaLog quiet;
  StatusOr<std::unique_ptr<VocabTokenizer>> tokenizer = VocabTokenizer::Open(model);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
  const std::vector<std::string_view> views(SampleTexts().begin(), SampleTexts().end());
  const StatusOr<std::vector<int32_t>> expected = (*tokenizer)->CountTokens(views);
  ASSERT_TRUE(expected.ok());
  std::vector<std::vector<int32_t>> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) result = *(*tokenizer)->CountTokens(views);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, *expected);
}

TEST(VocabTokenizerTest, MissingFileIsNotFound) {
  const StatusOr<std::unique_ptr<VocabTokenizer>> tokenizer =
      VocabTokenizer::Open(std::filesystem::path(::testing::TempDir()) / "no-such-model.gguf");
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_EQ(tokenizer.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(tokenizer.status().message(), HasSubstr("no-such-model.gguf does not exist"));
}

TEST(VocabTokenizerTest, NonGgufFileIsRejectedBeforeLlamaReadsIt) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "vocab-tokenizer-not-gguf.gguf";
  std::ofstream(path) << "this is a text file, not a model";
  const StatusOr<std::unique_ptr<VocabTokenizer>> tokenizer = VocabTokenizer::Open(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_EQ(tokenizer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(tokenizer.status().message(), HasSubstr("not a valid GGUF file"));
}

}  // namespace
}  // namespace hearth
