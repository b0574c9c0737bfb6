#include "models/chat_formatter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "llama-cpp.h"
#include "models/engine_test_models.h"
#include "models/llama_backend.h"
#include "models/model_store.h"
#include "tests/fixtures/fixture_spec.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

constexpr char kStoriesModel[] = "models/stories260K.gguf";

// A tool-aware template of the Llama 3.1 family, from the pinned llama.cpp tree.
std::string Llama31Template() {
  std::ifstream in(std::string(HEARTH_LLAMA_TEMPLATES_DIR) + "/meta-llama-Llama-3.1-8B-Instruct.jinja");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr char kWeatherTools[] =
    R"([{"type":"function","function":{"name":"get_weather","description":"Weather in a city",)"
    R"("parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}])";

ChatMessage Message(std::string role, std::string content) {
  ChatMessage message;
  message.role = std::move(role);
  message.content = std::move(content);
  return message;
}

ModelName Name(std::string_view text) {
  StatusOr<ModelName> name = ParseModelName(text);
  EXPECT_TRUE(name.ok()) << name.status();
  return *name;
}

class ChatFormatterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("chat-formatter-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    StatusOr<std::unique_ptr<ModelStore>> store = ModelStore::Open({.root = root_});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(root_);
  }

  // The installed model; the test fails (and this aborts it) if it cannot be.
  ResolvedModel Install(std::string_view name, CreateSpec spec) {
    StatusOr<ModelEntry> created = store_->Create(Name(name), spec);
    EXPECT_TRUE(created.ok()) << created.status();
    StatusOr<ResolvedModel> resolved = store_->Resolve(Name(name));
    if (!resolved.ok()) {
      ADD_FAILURE() << resolved.status();
      throw std::runtime_error("model not installed");
    }
    return std::move(*resolved);
  }

  ResolvedModel Fixture(std::optional<std::string> template_text = std::nullopt) {
    const std::filesystem::path file = testing::FixtureModel(fixture::FixtureKind::kDecoder, "tiny");
    EXPECT_FALSE(file.empty());
    return Install("fixture", {.from_file = file, .template_text = std::move(template_text)});
  }

  std::unique_ptr<ChatFormatter> Open(const ResolvedModel& model) {
    StatusOr<std::unique_ptr<ChatFormatter>> formatter = ChatFormatter::Open(model);
    EXPECT_TRUE(formatter.ok()) << formatter.status();
    return formatter.ok() ? std::move(*formatter) : nullptr;
  }

  std::filesystem::path root_;
  std::unique_ptr<ModelStore> store_;
};

TEST_F(ChatFormatterTest, RendersTheGgufLlama3Template) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture());
  ASSERT_NE(formatter, nullptr);
  EXPECT_FALSE(formatter->UsesFallback());
  ChatFormatRequest request;
  request.messages = {Message("system", "Be brief."), Message("user", "Hi"),
                      Message("assistant", "Hello!"), Message("user", "Bye")};
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  // The template renders bos_token; the common library strips it because the
  // tokenizer adds BOS itself, so the runner must add it.
  EXPECT_EQ(chat->prompt,
            "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  EXPECT_FALSE(chat->prompt_has_bos);
  EXPECT_TRUE(chat->grammar.empty());
}

TEST_F(ChatFormatterTest, NoGenerationPromptEndsAfterTheLastTurn) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture());
  ASSERT_NE(formatter, nullptr);
  ChatFormatRequest request;
  request.messages = {Message("user", "Hi")};
  request.add_generation_prompt = false;
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_TRUE(chat->prompt.ends_with("Hi<|eot_id|>")) << chat->prompt;
}

TEST_F(ChatFormatterTest, ModelWithoutTemplateUsesThePlainFallback) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(stories, kStoriesModel);
  std::unique_ptr<ChatFormatter> formatter = Open(Install("stories", {.from_file = *stories_optional}));
  ASSERT_NE(formatter, nullptr);
  EXPECT_TRUE(formatter->UsesFallback());
  EXPECT_FALSE(formatter->SupportsTools());
  ChatFormatRequest request;
  request.messages = {Message("system", "Tell stories."), Message("user", "Once"),
                      Message("assistant", "upon a time"), Message("user", "More")};
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_EQ(chat->prompt,
            "Tell stories.\n\nUser: Once\nAssistant: upon a time\nUser: More\nAssistant:");
  EXPECT_EQ(chat->stop, std::vector<std::string>{"\nUser:"});
  EXPECT_FALSE(chat->prompt_has_bos);
  StatusOr<ParsedReply> reply = formatter->ParseReply(" The end.", false);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->content, " The end.");
}

TEST_F(ChatFormatterTest, FallbackRejectsUnknownRolesAndTools) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(stories, kStoriesModel);
  std::unique_ptr<ChatFormatter> formatter = Open(Install("stories", {.from_file = *stories_optional}));
  ASSERT_NE(formatter, nullptr);
  ChatFormatRequest request;
  request.messages = {Message("wizard", "Hi")};
  EXPECT_EQ(formatter->Format(request).status().code(), StatusCode::kInvalidArgument);
  request.messages = {Message("user", "Hi")};
  request.tools_json = kWeatherTools;
  StatusOr<FormattedChat> chat = formatter->Format(request);
  EXPECT_EQ(chat.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(chat.status().message().find("does not support tools"), std::string::npos);
}

TEST_F(ChatFormatterTest, TemplateLayerOverridesTheGgufTemplate) {
  const std::string layer =
      "{% for message in messages %}[{{ message['role'] }}] {{ message['content'] }}\n{% endfor %}"
      "{%- if add_generation_prompt %}[assistant]{%- endif %}";
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture(layer));
  ASSERT_NE(formatter, nullptr);
  ChatFormatRequest request;
  request.messages = {Message("user", "Hi")};
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_EQ(chat->prompt, "[user] Hi\n[assistant]");
  EXPECT_FALSE(chat->prompt_has_bos);
}

TEST_F(ChatFormatterTest, GoTemplateLayerFallsBackToTheGgufTemplate) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture("{{ .System }} {{ .Prompt }}"));
  ASSERT_NE(formatter, nullptr);
  EXPECT_FALSE(formatter->UsesFallback());
  ChatFormatRequest request;
  request.messages = {Message("user", "Hi")};
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_TRUE(chat->prompt.starts_with("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>")) << chat->prompt;
}

TEST_F(ChatFormatterTest, BrokenJinjaIsAnInvalidArgument) {
  StatusOr<std::unique_ptr<ChatFormatter>> formatter =
      ChatFormatter::Open(Fixture("{% for message in messages %}{{ message['content'] }"));
  EXPECT_EQ(formatter.status().code(), StatusCode::kInvalidArgument) << formatter.status();
}

TEST_F(ChatFormatterTest, ToolsOnATemplateWithoutToolSupportFail) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture());
  ASSERT_NE(formatter, nullptr);
  EXPECT_FALSE(formatter->SupportsTools());
  ChatFormatRequest request;
  request.messages = {Message("user", "Weather in Paris?")};
  request.tools_json = kWeatherTools;
  StatusOr<FormattedChat> chat = formatter->Format(request);
  EXPECT_EQ(chat.status().code(), StatusCode::kFailedPrecondition) << chat.status();
  EXPECT_NE(chat.status().message().find("'fixture"), std::string::npos) << chat.status();
}

TEST_F(ChatFormatterTest, ToolsOnLlama31RenderAndParse) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture(Llama31Template()));
  ASSERT_NE(formatter, nullptr);
  EXPECT_TRUE(formatter->SupportsTools());
  ChatFormatRequest request;
  request.messages = {Message("user", "Weather in Paris?")};
  request.tools_json = kWeatherTools;
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_TRUE(!chat->grammar.empty() || chat->prompt.find("get_weather") != std::string::npos)
      << chat->prompt;
  StatusOr<ParsedReply> reply =
      formatter->ParseReply(R"({"name": "get_weather", "parameters": {"city": "Paris"}})", true);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->tool_calls.size(), 1u) << reply->content;
  EXPECT_EQ(reply->tool_calls[0].name, "get_weather");
  EXPECT_NE(reply->tool_calls[0].arguments_json.find("Paris"), std::string::npos);
  EXPECT_TRUE(reply->content.empty()) << reply->content;
}

TEST_F(ChatFormatterTest, PlainReplyWithToolsOfferedIsContent) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture(Llama31Template()));
  ASSERT_NE(formatter, nullptr);
  ChatFormatRequest request;
  request.messages = {Message("user", "Hi")};
  request.tools_json = kWeatherTools;
  ASSERT_TRUE(formatter->Format(request).ok());
  StatusOr<ParsedReply> reply = formatter->ParseReply("Hello there.", true);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->content, "Hello there.");
  EXPECT_TRUE(reply->tool_calls.empty());
}

TEST_F(ChatFormatterTest, ToolCallsInHistoryAreRendered) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture(Llama31Template()));
  ASSERT_NE(formatter, nullptr);
  ChatMessage call = Message("assistant", "");
  call.tool_calls.push_back({"call_1", "get_weather", R"({"city":"Paris"})"});
  ChatMessage result = Message("tool", "18 degrees");
  result.tool_name = "get_weather";
  result.tool_call_id = "call_1";
  ChatFormatRequest request;
  request.messages = {Message("user", "Weather in Paris?"), call, result};
  request.tools_json = kWeatherTools;
  StatusOr<FormattedChat> chat = formatter->Format(request);
  ASSERT_TRUE(chat.ok()) << chat.status();
  EXPECT_NE(chat->prompt.find("Paris"), std::string::npos) << chat->prompt;
  EXPECT_NE(chat->prompt.find("18 degrees"), std::string::npos) << chat->prompt;
}

TEST_F(ChatFormatterTest, ToolsThatAreNotAListAreAnInvalidArgument) {
  std::unique_ptr<ChatFormatter> formatter = Open(Fixture(Llama31Template()));
  ASSERT_NE(formatter, nullptr);
  ChatFormatRequest request;
  request.messages = {Message("user", "Hi")};
  for (const char* tools : {"{\"type\":\"function\"}", "[{", "[{\"type\":\"function\"}]"}) {
    request.tools_json = tools;
    EXPECT_EQ(formatter->Format(request).status().code(), StatusCode::kInvalidArgument) << tools;
  }
}

TEST_F(ChatFormatterTest, CacheReturnsOneFormatterPerModel) {
  const ResolvedModel model = Fixture();
  ChatFormatterCache cache;
  StatusOr<std::shared_ptr<const ChatFormatter>> first = cache.Get(model);
  StatusOr<std::shared_ptr<const ChatFormatter>> second = cache.Get(model);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->get(), second->get());

  ResolvedModel relayered = model;
  relayered.template_text = "{{ messages[0]['content'] }}";
  StatusOr<std::shared_ptr<const ChatFormatter>> other = cache.Get(relayered);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->get(), first->get());
}

TEST_F(ChatFormatterTest, CacheRefusesRemoteModels) {
  ResolvedModel remote = Fixture();
  remote.remote = RemoteModel{};
  remote.model_digest.reset();
  remote.model_path.clear();
  ChatFormatterCache cache;
  EXPECT_EQ(cache.Get(remote).status().code(), StatusCode::kFailedPrecondition);
}

// The grammar must be one llama.cpp's sampler accepts for the fixture's vocab.
void ExpectGrammarLoads(const std::string& grammar) {
  InitLlamaBackend();
  const std::filesystem::path file = testing::FixtureModel(fixture::FixtureKind::kDecoder, "tiny");
  llama_model_params params = llama_model_default_params();
  params.vocab_only = true;
  llama_model_ptr model(llama_model_load_from_file(file.c_str(), params));
  ASSERT_NE(model, nullptr);
  llama_sampler_ptr sampler(
      llama_sampler_init_grammar(llama_model_get_vocab(model.get()), grammar.c_str(), "root"));
  EXPECT_NE(sampler, nullptr) << grammar;
}

TEST(JsonSchemaToGrammarTest, SchemaGivesALoadableGrammar) {
  StatusOr<std::string> grammar = JsonSchemaToGrammar(
      R"({"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]})");
  ASSERT_TRUE(grammar.ok()) << grammar.status();
  EXPECT_NE(grammar->find("root"), std::string::npos);
  EXPECT_NE(grammar->find("\\\"a\\\""), std::string::npos) << *grammar;
  ExpectGrammarLoads(*grammar);
}

TEST(JsonSchemaToGrammarTest, JsonGivesAnAnyObjectGrammar) {
  StatusOr<std::string> grammar = JsonSchemaToGrammar("json");
  ASSERT_TRUE(grammar.ok()) << grammar.status();
  EXPECT_NE(grammar->find("root ::= object"), std::string::npos) << *grammar;
  ExpectGrammarLoads(*grammar);
}

TEST(JsonSchemaToGrammarTest, BadSchemasAreInvalidArguments) {
  for (const char* bad : {"", "{", "jsonx", "[1,2]", "42", R"({"$ref":"#/nowhere"})"}) {
    StatusOr<std::string> grammar = JsonSchemaToGrammar(bad);
    EXPECT_EQ(grammar.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace hearth
