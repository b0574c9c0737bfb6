// The engine generates like a plain llama.cpp decode loop, reuses cached
// prefixes, batches slots without mixing them, and ends requests the way
// inference.h promises. Uses the real TinyStories model from the shared data.
#include "models/inference_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "llama-cpp.h"
#include "models/engine_test_models.h"
#include "models/llama_backend.h"
#include "models/quiet_llama_log.h"
#include "models/token_text.h"
#include "tests/fixtures/fixture_spec.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::HasSubstr;

constexpr char kStoriesModel[] = "models/stories260K.gguf";
constexpr char kOnce[] = "Once upon a time";

GenerateRequest Greedy(std::string prompt, int32_t max_tokens) {
  GenerateRequest request;
  request.prompt = std::move(prompt);
  request.sampling.temperature = 0.0f;
  request.max_tokens = max_tokens;
  return request;
}

// What a straightforward single-sequence llama.cpp loop generates greedily:
// the tokens (stopping at an end token) and their text.
struct Reference {
  std::vector<llama_token> prompt;
  std::vector<llama_token> generated;
  std::string text;
};

Reference PlainGreedy(const std::filesystem::path& path, const std::string& prompt, int count) {
  testing::ScopedQuietLlamaLog quiet;
  llama_model_ptr model(llama_model_load_from_file(path.c_str(), llama_model_default_params()));
  llama_context_params params = llama_context_default_params();
  params.n_ctx = 256;
  params.n_threads = 1;
  params.n_threads_batch = 1;
  llama_context_ptr context(llama_init_from_model(model.get(), params));
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  Reference reference;
  reference.prompt = *TokenizeText(vocab, prompt, true, true);
  llama_sampler_ptr sampler(llama_sampler_init_greedy());
  std::vector<llama_token> input = reference.prompt;
  for (int i = 0; i < count; ++i) {
    EXPECT_EQ(llama_decode(context.get(), llama_batch_get_one(input.data(),
                                                              static_cast<int32_t>(input.size()))),
              0);
    const llama_token next = llama_sampler_sample(sampler.get(), context.get(), -1);
    if (llama_vocab_is_eog(vocab, next)) break;
    reference.generated.push_back(next);
    reference.text += TokenPiece(vocab, next);
    input = {next};
  }
  return reference;
}

class InferenceEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto file = testing::TestDataFile(kStoriesModel);
    if (!file) GTEST_SKIP() << "test data " << kStoriesModel << " is absent (set HEARTH_TEST_DATA)";
    path_ = *file;
  }

  std::unique_ptr<InferenceEngine> Open(int32_t slots = 1, int32_t batch_size = 512,
                                        int32_t context_length = 256) {
    return testing::OpenEngine({.model_path = path_,
                                .context_length = context_length,
                                .slots = slots,
                                .threads = 1,
                                .batch_size = batch_size});
  }

  std::filesystem::path path_;
};

TEST_F(InferenceEngineTest, GreedyGenerationEqualsAPlainDecodeLoop) {
  const Reference reference = PlainGreedy(path_, kOnce, 16);
  ASSERT_EQ(reference.generated.size(), 16u) << reference.text;
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  std::string streamed;
  int32_t streamed_tokens = 0;
  auto collect = [&](const GeneratePiece& piece) {
    streamed += piece.text;
    streamed_tokens += piece.token_count;
    return true;
  };
  StatusOr<GenerateResult> first = engine->Generate(Greedy(kOnce, 16), collect, {});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->text, reference.text);
  EXPECT_EQ(streamed, reference.text);
  EXPECT_EQ(streamed_tokens, 16);
  EXPECT_EQ(first->generated_tokens, 16);
  EXPECT_EQ(first->finish_reason, FinishReason::kLength);
  EXPECT_EQ(first->prompt_tokens, static_cast<int32_t>(reference.prompt.size()));

  StatusOr<GenerateResult> again = engine->Generate(Greedy(kOnce, 16), {}, {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->text, reference.text);
}

TEST_F(InferenceEngineTest, ChunkedPrefillGivesTheSameOutput) {
  const Reference reference = PlainGreedy(path_, kOnce, 16);
  auto engine = Open(/*slots=*/1, /*batch_size=*/2);  // every prompt chunk is 2 tokens
  ASSERT_NE(engine, nullptr);
  StatusOr<GenerateResult> result = engine->Generate(Greedy(kOnce, 16), {}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->text, reference.text);
}

TEST_F(InferenceEngineTest, AContinuationTokenizesToExactlyItsBytesOrNotAtAll) {
  testing::ScopedQuietLlamaLog quiet;
  llama_model_params params = llama_model_default_params();
  params.vocab_only = true;
  llama_model_ptr model(llama_model_load_from_file(path_.c_str(), params));
  ASSERT_NE(model, nullptr);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  // stories260K's SentencePiece vocabulary puts a space before text that
  // starts a prompt: a continuation must not get one.
  std::optional<std::vector<llama_token>> newline = TokenizeContinuation(vocab, "\nUser: hi");
  ASSERT_TRUE(newline.has_value());
  std::optional<std::vector<llama_token>> empty = TokenizeContinuation(vocab, "");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  for (const std::string tail : {"\nUser: hi", " The end.", "The end.", "x", "  two spaces"}) {
    std::optional<std::vector<llama_token>> tokens = TokenizeContinuation(vocab, tail);
    if (!tokens.has_value()) continue;  // the caller tokenizes the whole prompt instead
    std::string text;
    for (llama_token token : *tokens) text += TokenPiece(vocab, token, /*render_special=*/true);
    EXPECT_EQ(text, tail);
  }
}

TEST_F(InferenceEngineTest, AnExtendedPromptPrefillsOnlyTheNewTokens) {
  const Reference reference = PlainGreedy(path_, kOnce, 16);
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  StatusOr<GenerateResult> first = engine->Generate(Greedy(kOnce, 16), {}, {});
  ASSERT_TRUE(first.ok()) << first.status();

  // The cache holds the prompt and the generated tokens but the last, which
  // was sampled and never evaluated. A prompt that replays the reply as text
  // gets the generated tokens back (prompt_memo.h), not a retokenization
  // that may split the text differently, so all of them are reused.
  const auto cached = static_cast<int32_t>(reference.prompt.size() + reference.generated.size() - 1);
  const std::string next_turn = std::string(kOnce) + first->text + "\nThe end.";
  StatusOr<GenerateResult> second = engine->Generate(Greedy(next_turn, 4), {}, {});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->cached_prompt_tokens, cached);
  EXPECT_GT(second->prompt_tokens, cached + 1);

  StatusOr<GenerateResult> unrelated =
      engine->Generate(Greedy("The dog ran to the big park", 4), {}, {});
  ASSERT_TRUE(unrelated.ok()) << unrelated.status();
  EXPECT_LE(unrelated->cached_prompt_tokens, 1);  // at most the BOS

  // Asking for the same prompt again reuses all of it but the last token.
  StatusOr<GenerateResult> repeat = engine->Generate(Greedy("The dog ran to the big park", 4),
                                                     {}, {});
  ASSERT_TRUE(repeat.ok()) << repeat.status();
  EXPECT_EQ(repeat->cached_prompt_tokens, repeat->prompt_tokens - 1);
  EXPECT_EQ(repeat->text, unrelated->text);
}

TEST_F(InferenceEngineTest, ConcurrentSlotsEachMatchTheirSoloOutput) {
  auto engine = Open(/*slots=*/2);
  ASSERT_NE(engine, nullptr);
  const std::string prompts[2] = {kOnce, "The little cat"};
  std::string solo[2];
  for (int i = 0; i < 2; ++i) {
    StatusOr<GenerateResult> result = engine->Generate(Greedy(prompts[i], 24), {}, {});
    ASSERT_TRUE(result.ok()) << result.status();
    solo[i] = result->text;
  }
  ASSERT_NE(solo[0], solo[1]);
  for (int round = 0; round < 3; ++round) {
    StatusOr<GenerateResult> together[2] = {InternalError("not run"), InternalError("not run")};
    {
      std::jthread other([&] { together[1] = engine->Generate(Greedy(prompts[1], 24), {}, {}); });
      together[0] = engine->Generate(Greedy(prompts[0], 24), {}, {});
    }
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(together[i].ok()) << together[i].status();
      EXPECT_EQ(together[i]->text, solo[i]) << "round " << round << " prompt " << i;
    }
  }
}

TEST_F(InferenceEngineTest, StopStringsCutTheOutputBeforeThem) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  StatusOr<GenerateResult> free_run = engine->Generate(Greedy(kOnce, 32), {}, {});
  ASSERT_TRUE(free_run.ok()) << free_run.status();
  ASSERT_GT(free_run->text.size(), 20u);
  // A stop string that starts inside one token and ends in another.
  const std::string stop = free_run->text.substr(10, 4);
  GenerateRequest request = Greedy(kOnce, 32);
  request.stop = {"no such text", stop};
  StatusOr<GenerateResult> stopped = engine->Generate(request, {}, {});
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->text, free_run->text.substr(0, free_run->text.find(stop)));
  EXPECT_EQ(stopped->finish_reason, FinishReason::kStop);
  EXPECT_LT(stopped->generated_tokens, 32);
}

TEST_F(InferenceEngineTest, MaxTokensEndsWithLength) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  StatusOr<GenerateResult> result = engine->Generate(Greedy(kOnce, 3), {}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->generated_tokens, 3);
  EXPECT_EQ(result->finish_reason, FinishReason::kLength);
}

TEST_F(InferenceEngineTest, AFullContextEndsWithLength) {
  auto engine = Open(/*slots=*/1, /*batch_size=*/512, /*context_length=*/16);
  ASSERT_NE(engine, nullptr);
  GenerateRequest request = Greedy(kOnce, -1);
  request.ignore_eos = true;
  StatusOr<GenerateResult> result = engine->Generate(request, {}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->finish_reason, FinishReason::kLength);
  // The prompt and all generated tokens but the last were evaluated.
  EXPECT_EQ(result->prompt_tokens + result->generated_tokens - 1, 16);
}

TEST_F(InferenceEngineTest, CancellingEndsTheRequestAndFreesTheSlot) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  std::stop_source source;
  int pieces = 0;
  StatusOr<GenerateResult> by_token = engine->Generate(
      Greedy(kOnce, 64),
      [&](const GeneratePiece&) {
        if (++pieces == 2) source.request_stop();
        return true;
      },
      source.get_token());
  EXPECT_EQ(by_token.status().code(), StatusCode::kCancelled);
  EXPECT_GE(pieces, 2);

  int received = 0;
  StatusOr<GenerateResult> by_callback = engine->Generate(
      Greedy(kOnce, 64), [&](const GeneratePiece&) { return ++received < 3; }, {});
  EXPECT_EQ(by_callback.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(received, 3);

  std::stop_source already;
  already.request_stop();
  EXPECT_EQ(engine->Generate(Greedy(kOnce, 8), {}, already.get_token()).status().code(),
            StatusCode::kCancelled);

  // The single slot is free again, and its cache still holds the prompt.
  StatusOr<GenerateResult> after = engine->Generate(Greedy(kOnce, 4), {}, {});
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->cached_prompt_tokens, after->prompt_tokens - 1);
}

TEST_F(InferenceEngineTest, APromptLongerThanTheContextIsRefusedWithBothNumbers) {
  auto engine = Open(/*slots=*/1, /*batch_size=*/512, /*context_length=*/16);
  ASSERT_NE(engine, nullptr);
  std::string prompt;
  for (int i = 0; i < 10; ++i) prompt += "Once upon a time there was a girl. ";
  StatusOr<std::vector<int32_t>> tokens = engine->Tokenize(prompt, true);
  ASSERT_TRUE(tokens.ok());
  StatusOr<GenerateResult> result = engine->Generate(Greedy(prompt, 4), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(),
              AllOf(HasSubstr(std::to_string(tokens->size())), HasSubstr("16")));
  EXPECT_TRUE(engine->Generate(Greedy(kOnce, 2), {}, {}).ok());
}

TEST_F(InferenceEngineTest, APromptMustLeaveRoomForOneGeneratedToken) {
  auto engine = Open(/*slots=*/1, /*batch_size=*/512, /*context_length=*/16);
  ASSERT_NE(engine, nullptr);
  // Prompts of each length in tokens (BOS included) up to past the context.
  std::map<size_t, std::string> by_length;
  std::string prompt = "Once";
  for (int i = 0; i < 40; ++i) {
    StatusOr<std::vector<int32_t>> tokens = engine->Tokenize(prompt, true);
    ASSERT_TRUE(tokens.ok()) << tokens.status();
    by_length.emplace(tokens->size(), prompt);
    prompt += " a";
  }
  ASSERT_TRUE(by_length.contains(15) && by_length.contains(16));
  StatusOr<GenerateResult> fits = engine->Generate(Greedy(by_length[15], 1), {}, {});
  EXPECT_TRUE(fits.ok()) << fits.status();
  StatusOr<GenerateResult> full = engine->Generate(Greedy(by_length[16], 1), {}, {});
  EXPECT_EQ(full.status().code(), StatusCode::kInvalidArgument);
  // The server's streamed routes give the same advice (server/chat_preparation.h).
  EXPECT_THAT(full.status().message(), AllOf(HasSubstr("16"), HasSubstr("options.num_ctx")));
}

TEST_F(InferenceEngineTest, AGrammarRestrictsTheOutput) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  GenerateRequest request = Greedy(kOnce, 16);
  request.grammar = R"(root ::= "yes" | "no")";
  request.sampling.temperature = 0.7f;
  request.sampling.seed = 42;
  StatusOr<GenerateResult> result = engine->Generate(request, {}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->text, AnyOf("yes", "no"));
  EXPECT_EQ(result->finish_reason, FinishReason::kStop);
}

TEST_F(InferenceEngineTest, BadRequestsAreRefused) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  GenerateRequest bad_grammar = Greedy(kOnce, 4);
  bad_grammar.grammar = "root ::= (";
  StatusOr<GenerateResult> result = engine->Generate(bad_grammar, {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("grammar"));

  GenerateRequest bad_sampling = Greedy(kOnce, 4);
  bad_sampling.sampling.top_p = 1.5f;
  result = engine->Generate(bad_sampling, {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("top_p"));

  GenerateRequest empty = Greedy("", 4);
  empty.add_special = false;
  EXPECT_EQ(engine->Generate(empty, {}, {}).status().code(), StatusCode::kInvalidArgument);

  StatusOr<EmbedResult> embed = engine->Embed({.inputs = {"x"}}, {});
  EXPECT_EQ(embed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(embed.status().message(), HasSubstr("embeddings"));
  EXPECT_EQ(engine->Rerank({.query = "q", .documents = {"d"}}, {}).status().code(),
            StatusCode::kInvalidArgument);
  // Nothing was disturbed.
  EXPECT_TRUE(engine->Generate(Greedy(kOnce, 2), {}, {}).ok());
}

TEST_F(InferenceEngineTest, TokenizeAndDetokenizeRoundTrip) {
  auto engine = Open();
  ASSERT_NE(engine, nullptr);
  StatusOr<std::vector<int32_t>> with_bos = engine->Tokenize(kOnce, true);
  StatusOr<std::vector<int32_t>> plain = engine->Tokenize(kOnce, false);
  ASSERT_TRUE(with_bos.ok() && plain.ok());
  EXPECT_EQ(with_bos->size(), plain->size() + 1);
  StatusOr<std::string> text = engine->Detokenize(*plain);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, AnyOf(std::string(kOnce), " " + std::string(kOnce)));

  StatusOr<std::string> bad = engine->Detokenize({1, -5});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("-5"));
}

TEST_F(InferenceEngineTest, StatsDescribeTheLoadedModel) {
  auto engine = Open(/*slots=*/2, /*batch_size=*/64, /*context_length=*/128);
  ASSERT_NE(engine, nullptr);
  StatusOr<InferenceStats> stats = engine->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->context_length, 128);
  EXPECT_EQ(stats->slots, 2);
  EXPECT_EQ(stats->max_parallel_tokens_per_decode, 64);
  EXPECT_GT(stats->training_context, 0);
  EXPECT_GT(stats->resident_bytes, 0u);
  EXPECT_GT(stats->model_bytes, 1'000'000u);  // 292,800 F32 parameters
  EXPECT_GT(stats->kv_cache_bytes, 0u);
  EXPECT_FALSE(stats->has_encoder_only);
  EXPECT_FALSE(stats->is_reranker);
  EXPECT_EQ(stats->active_requests, 0);
}

TEST(InferenceEngineOpenTest, RefusesMissingFilesAndBadOptions) {
  StatusOr<std::unique_ptr<InferenceEngine>> missing =
      InferenceEngine::Open({.model_path = "/no/such/model.gguf"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("/no/such/model.gguf"));

  const auto file = testing::TestDataFile(kStoriesModel);
  if (!file) GTEST_SKIP() << "test data " << kStoriesModel << " is absent";
  StatusOr<std::unique_ptr<InferenceEngine>> tiny =
      InferenceEngine::Open({.model_path = *file, .context_length = 8});
  EXPECT_EQ(tiny.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(tiny.status().message(), HasSubstr("8"));
  StatusOr<std::unique_ptr<InferenceEngine>> no_slots =
      InferenceEngine::Open({.model_path = *file, .slots = 0});
  EXPECT_EQ(no_slots.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_slots.status().message(), HasSubstr("slots"));
  StatusOr<std::unique_ptr<InferenceEngine>> small_batch =
      InferenceEngine::Open({.model_path = *file, .slots = 4, .batch_size = 2});
  EXPECT_EQ(small_batch.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(small_batch.status().message(), HasSubstr("batch size 2"));
}

TEST(InferenceEngineOpenTest, AQ8KvCacheGenerates) {
  // q8_0 blocks hold 32 values: a head size of 32 (64 / 2 heads).
  StatusOr<fixture::Spec> spec = fixture::PresetSpec(fixture::FixtureKind::kDecoder, "tiny");
  ASSERT_TRUE(spec.ok()) << spec.status();
  spec->shape.n_head = 2;
  spec->shape.n_head_kv = 2;
  const std::filesystem::path path = testing::FixtureModel(*spec);
  ASSERT_FALSE(path.empty());
  ModelLoadOptions options{.model_path = path, .context_length = 64, .threads = 1};
  auto f16 = testing::OpenEngine(options);
  options.kv_cache_type = KvCacheType::kQ8_0;
  auto q8 = testing::OpenEngine(options);
  ASSERT_NE(f16, nullptr);
  ASSERT_NE(q8, nullptr);
  GenerateRequest request = Greedy("Hello there", 8);
  request.ignore_eos = true;  // random weights may end at once
  StatusOr<GenerateResult> result = q8->Generate(request, {}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->generated_tokens, 8);
  StatusOr<InferenceStats> f16_stats = f16->Stats();
  StatusOr<InferenceStats> q8_stats = q8->Stats();
  ASSERT_TRUE(f16_stats.ok() && q8_stats.ok());
  EXPECT_LT(q8_stats->kv_cache_bytes, f16_stats->kv_cache_bytes);
}

}  // namespace
}  // namespace hearth
