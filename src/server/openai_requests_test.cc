#include "server/openai_requests.h"

#include <gtest/gtest.h>

#include "server/ollama_requests.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// The message of the error `status` must be, checked to name `field`.
void ExpectRefused(const Status& status, std::string_view field) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
  EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
}

TEST(OpenAiRequests, CompletionReadsSamplingStopAndStreaming) {
  StatusOr<OpenAiCompletion> call = ParseOpenAiCompletion(json{
      {"model", "stories"}, {"prompt", "Once"}, {"temperature", 0}, {"top_p", 0.5},
      {"seed", 42}, {"max_tokens", 16}, {"stop", json::array({"\n", "The end"})},
      {"stream", true}, {"stream_options", {{"include_usage", true}}}, {"n", 1}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->model.model.DisplayName(), "stories:latest");
  EXPECT_EQ(call->generate.prompt, "Once");
  EXPECT_EQ(call->generate.sampling.temperature, 0.0f);
  EXPECT_EQ(call->generate.sampling.top_p, 0.5f);
  EXPECT_EQ(call->generate.sampling.seed, 42u);
  EXPECT_EQ(call->generate.max_tokens, 16);
  EXPECT_EQ(call->generate.stop, (std::vector<std::string>{"\n", "The end"}));
  EXPECT_TRUE(call->streaming.stream);
  EXPECT_TRUE(call->streaming.include_usage);
}

TEST(OpenAiRequests, CompletionDefaultsAreOpenAis) {
  StatusOr<OpenAiCompletion> call =
      ParseOpenAiCompletion(json{{"model", "m"}, {"prompt", json::array({"x"})}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->generate.prompt, "x");
  EXPECT_EQ(call->generate.sampling.temperature, 1.0f);
  EXPECT_EQ(call->generate.sampling.top_p, 1.0f);
  // Ollama's top_k 40 and repeat_penalty 1.1 must not leak into /v1.
  EXPECT_EQ(call->generate.sampling.top_k, 0);
  EXPECT_EQ(call->generate.sampling.min_p, 0.0f);
  EXPECT_EQ(call->generate.sampling.repeat_penalty, 1.0f);
  EXPECT_EQ(call->generate.max_tokens, -1);
  EXPECT_FALSE(call->streaming.stream);
}

TEST(OpenAiRequests, ChatDefaultsAreOpenAisAndExtensionsSetThem) {
  const json messages = json::array({{{"role", "user"}, {"content", "hi"}}});
  StatusOr<OpenAiChat> call = ParseOpenAiChat(json{{"model", "m"}, {"messages", messages}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->generate.sampling.top_k, 0);
  EXPECT_EQ(call->generate.sampling.repeat_penalty, 1.0f);
  call = ParseOpenAiChat(json{{"model", "m"}, {"messages", messages}, {"top_k", 5},
                              {"min_p", 0.1}, {"repeat_penalty", 1.3}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->generate.sampling.top_k, 5);
  EXPECT_FLOAT_EQ(call->generate.sampling.min_p, 0.1f);
  EXPECT_FLOAT_EQ(call->generate.sampling.repeat_penalty, 1.3f);
  ExpectRefused(ParseOpenAiChat(json{{"model", "m"}, {"messages", messages}, {"top_k", -1}}).status(),
                "top_k");
}

TEST(OpenAiRequests, RangesArePrintedPlainly) {
  Status status = ParseOpenAiCompletion(json{{"model", "m"}, {"prompt", "x"}, {"temperature", 3}})
                      .status();
  ExpectRefused(status, "\"temperature\" must be a number from 0 to 2");
  status = ParseOpenAiCompletion(json{{"model", "m"}, {"prompt", "x"}, {"presence_penalty", 9}})
               .status();
  ExpectRefused(status, "from -2 to 2");
}

TEST(OpenAiRequests, MaxCompletionTokensWinsOverMaxTokens) {
  StatusOr<OpenAiCompletion> call = ParseOpenAiCompletion(
      json{{"model", "m"}, {"prompt", "x"}, {"max_tokens", 5}, {"max_completion_tokens", 7}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->generate.max_tokens, 7);
}

TEST(OpenAiRequests, RefusesWhatHearthDoesNotServe) {
  const json base = {{"model", "m"}, {"prompt", "x"}};
  auto with = [&](const char* key, json value) {
    json body = base;
    body[key] = std::move(value);
    return ParseOpenAiCompletion(body).status();
  };
  ExpectRefused(with("n", 2), "\"n\" must be 1");
  ExpectRefused(with("logprobs", 3), "logprobs");
  ExpectRefused(with("echo", true), "echo");
  ExpectRefused(with("temperature", 3), "temperature");
  ExpectRefused(with("temperature", "hot"), "temperature");
  ExpectRefused(with("max_tokens", 0), "max_tokens");
  ExpectRefused(with("stop", json::array({1})), "stop");
  ExpectRefused(with("stop", json(std::vector<std::string>(17, "s"))), "stop");
  ExpectRefused(with("prompt", json::array({1, 2, 3})), "prompt");
  ExpectRefused(with("prompt", std::string(kMaxPromptBytes + 1, 'a')), "prompt");
  ExpectRefused(with("stream", "yes"), "stream");
  ExpectRefused(with("stream_options", 1), "stream_options");
  ExpectRefused(ParseOpenAiCompletion(json{{"prompt", "x"}}).status(), "model");
}

TEST(OpenAiRequests, ChatReadsMessagesPartsAndToolCalls) {
  StatusOr<OpenAiChat> call = ParseOpenAiChat(json{
      {"model", "m"},
      {"messages",
       json::array({{{"role", "developer"}, {"content", "Be brief."}},
                    {{"role", "user"},
                     {"content", json::array({{{"type", "text"}, {"text", "a"}},
                                              {{"type", "text"}, {"text", "b"}}})}},
                    {{"role", "assistant"},
                     {"content", nullptr},
                     {"tool_calls", json::array({{{"id", "call_1"},
                                                  {"type", "function"},
                                                  {"function", {{"name", "f"}, {"arguments", "{}"}}}}})}},
                    {{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "42"}}})},
      {"tools", json::array({{{"type", "function"}, {"function", {{"name", "f"}}}}})},
      {"response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", {{"type", "object"}}}}}}}});
  ASSERT_TRUE(call.ok()) << call.status();
  const std::vector<ChatMessage>& messages = call->chat.messages;
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].role, "system");
  EXPECT_EQ(messages[1].content, "a\nb");
  ASSERT_EQ(messages[2].tool_calls.size(), 1u);
  EXPECT_EQ(messages[2].tool_calls[0].id, "call_1");
  EXPECT_EQ(messages[2].tool_calls[0].name, "f");
  EXPECT_EQ(messages[3].tool_call_id, "call_1");
  EXPECT_NE(call->chat.tools_json.find("\"f\""), std::string::npos);
  EXPECT_EQ(call->format, ResponseFormatKind::kJsonSchema);
  EXPECT_EQ(call->json_schema, R"({"type":"object"})");
  EXPECT_FALSE(call->has_images);
}

TEST(OpenAiRequests, ChatFlagsImagesAndDropsToolsForToolChoiceNone) {
  StatusOr<OpenAiChat> call = ParseOpenAiChat(json{
      {"model", "m"},
      {"messages", json::array({{{"role", "user"},
                                 {"content", json::array({{{"type", "image_url"},
                                                           {"image_url", {{"url", "data:"}}}}})}}})},
      {"tools", json::array({{{"type", "function"}, {"function", {{"name", "f"}}}}})},
      {"tool_choice", "none"}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_TRUE(call->has_images);
  EXPECT_TRUE(call->chat.tools_json.empty());
}

TEST(OpenAiRequests, ChatRefusesBadMessages) {
  auto chat = [](json messages) {
    return ParseOpenAiChat(json{{"model", "m"}, {"messages", std::move(messages)}}).status();
  };
  ExpectRefused(chat(json::array()), "messages");
  ExpectRefused(chat("hi"), "messages");
  ExpectRefused(chat(json::array({{{"content", "x"}}})), "role");
  ExpectRefused(chat(json::array({{{"role", "wizard"}, {"content", "x"}}})), "wizard");
  ExpectRefused(chat(json::array({{{"role", "user"}, {"content", 5}}})), "content");
  ExpectRefused(chat(json::array({{{"role", "user"}, {"content", json::array({{{"type", "audio"}}})}}})),
                "content parts");
  ExpectRefused(chat(json::array({{{"role", "assistant"}, {"tool_calls", json::array({{{"id", 1}}})}}})),
                "tool call");
  const json messages = json::array({{{"role", "user"}, {"content", "x"}}});
  ExpectRefused(ParseOpenAiChat(json{{"model", "m"}, {"messages", messages}, {"tools", "f"}}).status(),
                "tools");
  ExpectRefused(ParseOpenAiChat(json{{"model", "m"}, {"messages", messages}, {"tools", json::array()},
                                     {"tool_choice", "required"}})
                    .status(),
                "tool_choice");
  ExpectRefused(ParseOpenAiChat(json{{"model", "m"}, {"messages", messages},
                                     {"response_format", {{"type", "json_schema"}}}})
                    .status(),
                "response_format");
  ExpectRefused(ParseOpenAiChat(json{{"model", "m"}, {"messages", messages}, {"n", 3}}).status(), "n");
}

TEST(OpenAiRequests, EmbedReadsInputsAndEncoding) {
  StatusOr<OpenAiEmbed> call = ParseOpenAiEmbed(
      json{{"model", "e"}, {"input", json::array({"a", "b"})}, {"encoding_format", "base64"}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->embed.inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(call->base64);
  EXPECT_FALSE(call->embed.truncate);  // too long is an error, as OpenAI's
  call = ParseOpenAiEmbed(json{{"model", "e"}, {"input", "a"}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_FALSE(call->base64);
}

TEST(OpenAiRequests, EmbedRefusesBadInput) {
  auto embed = [](json body) {
    body["model"] = "e";
    return ParseOpenAiEmbed(body).status();
  };
  ExpectRefused(embed(json::object()), "input");
  ExpectRefused(embed(json{{"input", json::array()}}), "input");
  ExpectRefused(embed(json{{"input", json::array({1, 2})}}), "token arrays");
  ExpectRefused(embed(json{{"input", ""}}), "empty");
  ExpectRefused(embed(json{{"input", "a"}, {"encoding_format", "int8"}}), "encoding_format");
  // Checked before any model runs.
  ExpectRefused(embed(json{{"input", "a"}, {"dimensions", 0}}), "dimensions");
  ExpectRefused(embed(json{{"input", "a"}, {"dimensions", -3}}), "dimensions");
  ExpectRefused(embed(json{{"input", "a"}, {"dimensions", "8"}}), "dimensions");
}

TEST(OpenAiRequests, RerankReadsQueryDocumentsAndTopN) {
  StatusOr<OpenAiRerank> call = ParseOpenAiRerank(
      json{{"model", "r"}, {"query", "q"}, {"documents", json::array({"a", {{"text", "b"}}})},
           {"top_n", 1}, {"return_documents", true}});
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(call->rerank.query, "q");
  EXPECT_EQ(call->rerank.documents, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(call->top_n, 1u);
  EXPECT_TRUE(call->return_documents);
}

TEST(OpenAiRequests, RerankRefusesBadInput) {
  ExpectRefused(ParseOpenAiRerank(json{{"model", "r"}, {"documents", json::array({"a"})}}).status(),
                "query");
  ExpectRefused(ParseOpenAiRerank(json{{"model", "r"}, {"query", "q"}}).status(), "documents");
  ExpectRefused(
      ParseOpenAiRerank(json{{"model", "r"}, {"query", "q"}, {"documents", json::array({1})}}).status(),
      "documents");
  ExpectRefused(ParseOpenAiRerank(json{{"model", "r"}, {"query", "q"}, {"documents", json::array({"a"})},
                                       {"top_n", 0}})
                    .status(),
                "top_n");
}

}  // namespace
}  // namespace hearth::internal

namespace hearth::internal {
namespace {

// The fixed limits (docs/limits.md): at the limit accepted, one over refused.
TEST(OpenAiRequestLimits, ToolsUpToTheLimit) {
  const json tool = {{"type", "function"},
                     {"function", {{"name", "f"}, {"parameters", {{"type", "object"}}}}}};
  const json user = json::array({{{"role", "user"}, {"content", "hi"}}});
  EXPECT_TRUE(
      ParseOpenAiChat({{"model", "m"}, {"messages", user}, {"tools", json(kMaxTools, tool)}}).ok());
  ExpectRefused(ParseOpenAiChat({{"model", "m"}, {"messages", user},
                                 {"tools", json(kMaxTools + 1, tool)}})
                    .status(),
                std::to_string(kMaxTools));
}

TEST(OpenAiRequestLimits, RerankDocumentsCountAndTextUpToTheLimits) {
  EXPECT_TRUE(ParseOpenAiRerank({{"model", "m"}, {"query", "q"},
                                 {"documents", json(kMaxRerankDocuments, "d")}})
                  .ok());
  ExpectRefused(ParseOpenAiRerank({{"model", "m"}, {"query", "q"},
                                   {"documents", json(kMaxRerankDocuments + 1, "d")}})
                    .status(),
                std::to_string(kMaxRerankDocuments));
  const std::string at(kMaxPromptBytes, 'd');
  EXPECT_TRUE(
      ParseOpenAiRerank({{"model", "m"}, {"query", "q"}, {"documents", json::array({at})}}).ok());
  ExpectRefused(ParseOpenAiRerank({{"model", "m"}, {"query", "q"},
                                   {"documents", json::array({at + "d"})}})
                    .status(),
                "4 MiB");
}

TEST(OpenAiRequestLimits, EmbeddingInputTextUpToTheLimit) {
  const std::string at(kMaxPromptBytes, 'e');
  EXPECT_TRUE(ParseOpenAiEmbed({{"model", "m"}, {"input", at}}).ok());
  ExpectRefused(ParseOpenAiEmbed({{"model", "m"}, {"input", at + "e"}}).status(), "4 MiB");
}

}  // namespace
}  // namespace hearth::internal
