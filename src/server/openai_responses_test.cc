#include "server/openai_responses.h"

#include <gtest/gtest.h>

namespace hearth::internal {
namespace {

using nlohmann::json;

TEST(OpenAiResponses, ErrorHasOpenAisShape) {
  json body = OpenAiErrorJson(InvalidArgumentError("prompt is 300 tokens; the context is 256"));
  EXPECT_EQ(body["error"]["message"], "prompt is 300 tokens; the context is 256");
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_TRUE(body["error"].contains("param"));
  EXPECT_EQ(OpenAiErrorJson(NotFoundError("x"))["error"]["type"], "not_found_error");
  EXPECT_EQ(OpenAiErrorJson(InternalError("x"))["error"]["type"], "server_error");
}

TEST(OpenAiResponses, SseEventFraming) {
  EXPECT_EQ(SseEvent(json{{"a", 1}}), "data: {\"a\":1}\n\n");
  EXPECT_EQ(std::string(kSseDone), "data: [DONE]\n\n");
}

TEST(OpenAiResponses, Float32Base64IsLittleEndian) {
  // 1.0f is 0x3F800000: bytes 00 00 80 3F.
  EXPECT_EQ(Float32Base64({1.0f}), "AACAPw==");
  // -2.0f is 0xC0000000; 0.5f is 0x3F000000: 00 00 00 C0 00 00 00 3F.
  EXPECT_EQ(Float32Base64({-2.0f, 0.5f}), "AAAAwAAAAD8=");
  EXPECT_EQ(Float32Base64({}), "");
  EXPECT_EQ(Float32Base64({0.0f, 0.0f, 0.0f}).size(), 16u);  // 12 bytes, no padding
}

TEST(OpenAiResponses, CompletionCarriesUsageAndFinishReason) {
  GenerateResult result{.text = "Hi", .finish_reason = FinishReason::kLength, .prompt_tokens = 3,
                        .generated_tokens = 2};
  json body = CompletionJson({.id = "cmpl-1", .model = "m", .created = 7}, result);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["choices"][0]["text"], "Hi");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"], (json{{"prompt_tokens", 3}, {"completion_tokens", 2}, {"total_tokens", 5}}));
  json chunk = CompletionChunkJson({.id = "cmpl-1", .model = "m"}, "x", std::nullopt);
  EXPECT_TRUE(chunk["choices"][0]["finish_reason"].is_null());
}

TEST(OpenAiResponses, ChatWithToolCallsFinishesWithToolCalls) {
  ParsedReply reply{.tool_calls = {{.id = "", .name = "get_weather", .arguments_json = "{\"c\":1}"}}};
  json body = ChatCompletionJson({.id = "chatcmpl-1", .model = "m"}, reply, GenerateResult{});
  const json& choice = body["choices"][0];
  EXPECT_EQ(choice["finish_reason"], "tool_calls");
  EXPECT_TRUE(choice["message"]["content"].is_null());
  const json& call = choice["message"]["tool_calls"][0];
  EXPECT_EQ(call["type"], "function");
  EXPECT_EQ(call["function"]["name"], "get_weather");
  EXPECT_EQ(call["function"]["arguments"], "{\"c\":1}");
  EXPECT_FALSE(call["id"].get<std::string>().empty());
}

TEST(OpenAiResponses, RerankSortsByScoreAndHonorsTopN) {
  RerankResult result{.scores = {0.1f, 0.9f, 0.5f}, .prompt_tokens = 12};
  json body = RerankJson("r", {"a", "b", "c"}, result, 2, true);
  ASSERT_EQ(body["results"].size(), 2u);
  EXPECT_EQ(body["results"][0]["index"], 1);
  EXPECT_EQ(body["results"][0]["document"]["text"], "b");
  EXPECT_EQ(body["results"][1]["index"], 2);
  EXPECT_EQ(RerankJson("r", {"a", "b", "c"}, result, std::nullopt, false)["results"].size(), 3u);
  EXPECT_FALSE(RerankJson("r", {"a", "b", "c"}, result, 1, false)["results"][0].contains("document"));
}

TEST(OpenAiResponses, EmbeddingsListEachVectorWithItsIndex) {
  EmbedResult result{.embeddings = {{1.0f}, {0.5f}}, .prompt_tokens = 4};
  json floats = EmbeddingsJson("e", result, false);
  EXPECT_EQ(floats["data"][1]["index"], 1);
  EXPECT_EQ(floats["data"][1]["embedding"], json::array({0.5}));
  EXPECT_EQ(EmbeddingsJson("e", result, true)["data"][0]["embedding"], "AACAPw==");
  EXPECT_EQ(floats["usage"]["prompt_tokens"], 4);
}

}  // namespace
}  // namespace hearth::internal
