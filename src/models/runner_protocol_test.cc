// The runner protocol round-trips every message exactly, and refuses garbled
// or hostile bytes with InvalidArgument before allocating for them.
#include "models/runner_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "models/runner_wire.h"

namespace hearth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Every field set to a value other than its default.
GenerateRequest FullGenerateRequest() {
  GenerateRequest request;
  request.prompt = "Once upon a time\n\xE2\x9C\x93";
  request.add_special = false;
  request.sampling = {.temperature = 0.0f, .top_k = 7, .top_p = 0.5f, .min_p = 0.05f,
                      .repeat_penalty = 1.3f, .repeat_last_n = -1, .presence_penalty = 0.25f,
                      .frequency_penalty = -0.5f, .seed = 42};
  request.max_tokens = 123;
  request.stop = {"\n\n", "", "User:"};
  request.grammar = "root ::= \"yes\" | \"no\"";
  request.ignore_eos = true;
  return request;
}

TEST(RunnerProtocolTest, GenerateRequestRoundTripsEveryField) {
  GenerateRequest sent = FullGenerateRequest();
  auto got = DecodeGenerateRequest(EncodeGenerateRequest(sent));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->prompt, sent.prompt);
  EXPECT_FALSE(got->add_special);
  EXPECT_EQ(got->sampling.temperature, 0.0f);
  EXPECT_EQ(got->sampling.top_k, 7);
  EXPECT_EQ(got->sampling.top_p, 0.5f);
  EXPECT_EQ(got->sampling.min_p, 0.05f);
  EXPECT_EQ(got->sampling.repeat_penalty, 1.3f);
  EXPECT_EQ(got->sampling.repeat_last_n, -1);
  EXPECT_EQ(got->sampling.presence_penalty, 0.25f);
  EXPECT_EQ(got->sampling.frequency_penalty, -0.5f);
  EXPECT_EQ(got->sampling.seed, 42u);
  EXPECT_EQ(got->max_tokens, 123);
  EXPECT_THAT(got->stop, ElementsAre("\n\n", "", "User:"));
  EXPECT_EQ(got->grammar, sent.grammar);
  EXPECT_TRUE(got->ignore_eos);
}

TEST(RunnerProtocolTest, ResultsRoundTrip) {
  GenerateResult result{.text = "The end.", .finish_reason = FinishReason::kLength,
                        .prompt_tokens = 5, .cached_prompt_tokens = 2, .generated_tokens = 9,
                        .queue_duration = std::chrono::nanoseconds(-1),
                        .prefill_duration = std::chrono::nanoseconds(1234567890123),
                        .decode_duration = std::chrono::nanoseconds(7)};
  auto generate = DecodeGenerateResult(EncodeGenerateResult(result));
  ASSERT_TRUE(generate.ok()) << generate.status();
  EXPECT_EQ(generate->text, "The end.");
  EXPECT_EQ(generate->finish_reason, FinishReason::kLength);
  EXPECT_EQ(generate->cached_prompt_tokens, 2);
  EXPECT_EQ(generate->generated_tokens, 9);
  EXPECT_EQ(generate->queue_duration.count(), -1);
  EXPECT_EQ(generate->prefill_duration.count(), 1234567890123);

  EmbedResult embed{.embeddings = {{1.5f, -0.0f, std::numeric_limits<float>::infinity()}, {}},
                    .prompt_tokens = 11, .truncated = {true, false},
                    .duration = std::chrono::nanoseconds(99)};
  auto embedded = DecodeEmbedResult(EncodeEmbedResult(embed));
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  ASSERT_EQ(embedded->embeddings.size(), 2u);
  EXPECT_THAT(embedded->embeddings[0],
              ElementsAre(1.5f, -0.0f, std::numeric_limits<float>::infinity()));
  EXPECT_TRUE(std::signbit(embedded->embeddings[0][1]));
  EXPECT_TRUE(embedded->embeddings[1].empty());
  EXPECT_THAT(embedded->truncated, ElementsAre(true, false));
  EXPECT_EQ(embedded->prompt_tokens, 11);

  auto reranked = DecodeRerankResult(EncodeRerankResult({.scores = {0.25f, -3.0f}, .prompt_tokens = 4}));
  ASSERT_TRUE(reranked.ok()) << reranked.status();
  EXPECT_THAT(reranked->scores, ElementsAre(0.25f, -3.0f));
  EXPECT_EQ(reranked->prompt_tokens, 4);
}

TEST(RunnerProtocolTest, SmallMessagesRoundTrip) {
  auto piece = DecodeGeneratePiece(EncodeGeneratePiece({.text = "\xC3\xA9t\xC3\xA9", .token_count = 3}));
  ASSERT_TRUE(piece.ok());
  EXPECT_EQ(piece->text, "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(piece->token_count, 3);

  auto embed = DecodeEmbedRequest(EncodeEmbedRequest({.inputs = {"a", "bb"}, .normalize = false, .truncate = false}));
  ASSERT_TRUE(embed.ok());
  EXPECT_THAT(embed->inputs, ElementsAre("a", "bb"));
  EXPECT_FALSE(embed->normalize);
  EXPECT_FALSE(embed->truncate);

  auto rerank = DecodeRerankRequest(EncodeRerankRequest({.query = "q", .documents = {"d1", "d2"}}));
  ASSERT_TRUE(rerank.ok());
  EXPECT_EQ(rerank->query, "q");
  EXPECT_THAT(rerank->documents, ElementsAre("d1", "d2"));

  auto tokenize = DecodeTokenizeRequest(EncodeTokenizeRequest({.text = "hi", .add_special = false}));
  ASSERT_TRUE(tokenize.ok());
  EXPECT_EQ(tokenize->text, "hi");
  EXPECT_FALSE(tokenize->add_special);

  auto tokens = DecodeTokens(EncodeTokens({1, -2, 2147483647}));
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre(1, -2, 2147483647));

  auto text = DecodeText(EncodeText(std::string("a\0b", 3)));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, std::string("a\0b", 3));

  InferenceStats stats{.context_length = 2048, .slots = 2, .training_context = 4096,
                       .embedding_length = 384, .has_encoder_only = true, .is_reranker = true,
                       .resident_bytes = 1ull << 40, .model_bytes = 5, .kv_cache_bytes = 6,
                       .active_requests = 1, .max_parallel_tokens_per_decode = 512};
  auto decoded = DecodeStats(EncodeStats(stats));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->context_length, 2048);
  EXPECT_EQ(decoded->embedding_length, 384);
  EXPECT_TRUE(decoded->has_encoder_only);
  EXPECT_TRUE(decoded->is_reranker);
  EXPECT_EQ(decoded->resident_bytes, 1ull << 40);
  EXPECT_EQ(decoded->max_parallel_tokens_per_decode, 512);
}

TEST(RunnerProtocolTest, ErrorsKeepTheirCodeAndMessage) {
  Status sent = ResourceExhaustedError("all 2 slots are busy");
  EXPECT_EQ(DecodeError(EncodeError(sent)), sent);
  // An OK status is not an error; the frame still carries one.
  EXPECT_EQ(DecodeError(EncodeError(OkStatus())).code(), StatusCode::kInternal);
}

TEST(RunnerProtocolTest, FrameRoundTripsWithHeaderFields) {
  Frame frame{FrameType::kEmbed, 0x0102030405060708ull, "payload"};
  std::string bytes = EncodeFrame(frame);
  ASSERT_EQ(bytes.size(), kFrameHeaderSize + 7);
  EXPECT_EQ(bytes.substr(0, 4), "HRN1");
  auto got = DecodeFrame(bytes);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->type, FrameType::kEmbed);
  EXPECT_EQ(got->request_id, 0x0102030405060708ull);
  EXPECT_EQ(got->payload, "payload");
}

TEST(RunnerProtocolTest, RefusesGarbledHeaders) {
  std::string good = EncodeFrame({FrameType::kStats, 1, ""});
  auto expect_invalid = [](std::string bytes, std::string_view words) {
    auto got = DecodeFrameHeader(bytes);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(got.status().message(), HasSubstr(words));
  };
  expect_invalid("GET / HTTP/1.1\r\nHost: x\r\n", "bad magic");
  std::string unknown_type = good;
  unknown_type[4] = 20;
  expect_invalid(unknown_type, "unknown type 20");
  std::string reserved = good;
  reserved[6] = 1;
  expect_invalid(reserved, "reserved");
  std::string huge = good;
  huge[8] = huge[9] = huge[10] = huge[11] = '\xff';  // 4 GiB - 1
  expect_invalid(huge, "the limit is 67108864");
  expect_invalid(good.substr(0, 10), "truncated");
}

TEST(RunnerProtocolTest, RefusesCountsLargerThanThePayload) {
  WireWriter writer;
  writer.PutU32(1'000'000);  // a million embed inputs ...
  writer.PutString("x");     // ... in a few bytes
  auto got = DecodeEmbedRequest(writer.data());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("limit is 65536"));

  WireWriter tokens;
  tokens.PutU32(1000);
  tokens.PutI32(5);
  auto decoded = DecodeTokens(tokens.data());
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.status().message(), HasSubstr("only 4 bytes remain"));
}

TEST(RunnerProtocolTest, RefusesOutOfRangeValuesAndTrailingBytes) {
  std::string tokenize = EncodeTokenizeRequest({.text = "a"});
  tokenize.back() = 2;  // add_special is a bool
  EXPECT_THAT(DecodeTokenizeRequest(tokenize).status().message(), HasSubstr("must be 0 or 1"));

  std::string result = EncodeGenerateResult({});
  result[4] = 9;  // finish reason, after the empty text's length
  EXPECT_THAT(DecodeGenerateResult(result).status().message(), HasSubstr("finish reason 9"));

  std::string error = EncodeError(InternalError("x"));
  error[0] = 0;  // OK is not an error code
  EXPECT_EQ(DecodeError(error).code(), StatusCode::kInvalidArgument);
  error[0] = 100;
  EXPECT_THAT(DecodeError(error).message(), HasSubstr("invalid status code 100"));

  EXPECT_THAT(DecodeStats(EncodeStats({}) + "x").status().message(), HasSubstr("trailing"));
  EXPECT_EQ(DecodeEmpty("stats", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(DecodeEmpty("stats", "").ok());
}

TEST(RunnerProtocolTest, EveryTruncationOfAMessageIsRefused) {
  std::string full = EncodeGenerateRequest(FullGenerateRequest());
  for (size_t size = 0; size < full.size(); ++size) {
    auto got = DecodeGenerateRequest(full.substr(0, size));
    ASSERT_FALSE(got.ok()) << size;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << size;
  }
}

TEST(RunnerProtocolTest, OversizedPayloadIsRefusedBeforeSending) {
  Status status = CheckPayloadSize("embed", size_t{kMaxFramePayload} + 1);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("67108865 bytes"));
  EXPECT_TRUE(CheckPayloadSize("embed", kMaxFramePayload).ok());
}

TEST(RunnerProtocolTest, StartupLinesRoundTrip) {
  EXPECT_EQ(StartupLine(OkStatus()), "ready\n");
  EXPECT_TRUE(ParseStartupLine("ready").ok());
  Status failed = NotFoundError("model file '/x.gguf'\nis missing");
  std::string line = StartupLine(failed);
  EXPECT_EQ(line, "error NOT_FOUND model file '/x.gguf' is missing\n");
  line.pop_back();
  EXPECT_EQ(ParseStartupLine(line), NotFoundError("model file '/x.gguf' is missing"));
  Status odd = ParseStartupLine("error NOPE x");
  EXPECT_EQ(odd.code(), StatusCode::kInternal);
  EXPECT_THAT(odd.message(), HasSubstr("unexpected at startup: 'error NOPE x'"));
}

}  // namespace
}  // namespace hearth
