#include "models/remote_backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "httplib.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using Json = nlohmann::json;

// A fake provider on loopback: Ollama and OpenAI routes with canned replies.
class FakeProvider {
 public:
  FakeProvider() {
    server_.Post("/api/generate", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = Json::parse(req.body);
      last_auth_ = req.get_header_value("Authorization");
      const std::string model = last_body_["model"];
      if (model == "missing") {
        res.status = 404;
        res.set_content(R"({"error":"model 'missing' not found"})", "application/json");
      } else if (model == "broken") {
        res.set_content("{\"response\":\"a\",\"done\":false}\n{\"error\":\"out of memory\"}\n",
                        "application/x-ndjson");
      } else if (model == "garbage") {
        res.set_content("not json\n", "application/x-ndjson");
      } else if (model == "slow") {
        res.set_chunked_content_provider(
            "application/x-ndjson", [this](size_t, httplib::DataSink& sink) {
              const std::string line = "{\"response\":\"x\",\"done\":false}\n";
              if (!sink.write(line.data(), line.size())) return false;
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
              return !stopping_.load();
            });
      } else {
        res.set_content(
            "{\"response\":\"Hello\",\"done\":false}\n{\"response\":\" world\",\"done\":false}\n"
            "{\"response\":\"\",\"done\":true,\"done_reason\":\"length\",\"prompt_eval_count\":3,"
            "\"eval_count\":2,\"prompt_eval_duration\":1000,\"eval_duration\":2000}\n",
            "application/x-ndjson");
      }
    });
    server_.Post("/api/embed", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = Json::parse(req.body);
      Json vectors = Json::array();
      for (size_t i = 0; i < last_body_["input"].size(); ++i) vectors.push_back({3.0, 4.0});
      res.set_content(Json{{"embeddings", vectors}, {"prompt_eval_count", 5}}.dump(),
                      "application/json");
    });
    server_.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = Json::parse(req.body);
      last_auth_ = req.get_header_value("Authorization");
      res.set_content(
          "data: {\"choices\":[{\"text\":\"Hi\",\"finish_reason\":null}]}\n\n"
          ": keep-alive\n\n"
          "data: {\"choices\":[{\"text\":\" there\",\"finish_reason\":\"stop\"}]}\n\n"
          "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2}}\n\n"
          "data: [DONE]\n\n",
          "text/event-stream");
    });
    server_.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
      last_body_ = Json::parse(req.body);
      res.set_content(
          R"({"data":[{"index":1,"embedding":[0,2]},{"index":0,"embedding":[1,0]}],)"
          R"("usage":{"prompt_tokens":7}})",
          "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    server_.wait_until_ready();
  }

  ~FakeProvider() {
    stopping_ = true;
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const Json& last_body() const { return last_body_; }
  const std::string& last_auth() const { return last_auth_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  Json last_body_;
  std::string last_auth_;
};

std::unique_ptr<RemoteBackend> OpenBackend(const RemoteModel& remote,
                                           RemoteBackendOptions options = {}) {
  StatusOr<std::unique_ptr<RemoteBackend>> backend = RemoteBackend::Open(remote, "test", options);
  EXPECT_TRUE(backend.ok()) << backend.status();
  return backend.ok() ? std::move(*backend) : nullptr;
}

GenerateRequest Request() {
  GenerateRequest request;
  request.prompt = "Once";
  request.max_tokens = 8;
  request.sampling.temperature = 0;
  request.sampling.seed = 42;
  request.stop = {"\n"};
  return request;
}

TEST(RemoteBackendTest, OllamaGenerateStreamsPiecesAndCounts) {
  FakeProvider provider;
  auto backend = OpenBackend({.api = "ollama", .base_url = provider.url() + "/", .model = "m"});
  std::vector<std::string> pieces;
  StatusOr<GenerateResult> result = backend->Generate(
      Request(), [&](const GeneratePiece& piece) { pieces.push_back(piece.text); return true; },
      {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->text, "Hello world");
  EXPECT_EQ(pieces, (std::vector<std::string>{"Hello", " world"}));
  EXPECT_EQ(result->finish_reason, FinishReason::kLength);
  EXPECT_EQ(result->prompt_tokens, 3);
  EXPECT_EQ(result->generated_tokens, 2);
  EXPECT_EQ(result->decode_duration, std::chrono::nanoseconds(2000));
  const Json& sent = provider.last_body();
  EXPECT_EQ(sent["model"], "m");
  EXPECT_EQ(sent["prompt"], "Once");
  EXPECT_EQ(sent["raw"], true);
  EXPECT_EQ(sent["options"]["num_predict"], 8);
  EXPECT_EQ(sent["options"]["seed"], 42);
  EXPECT_EQ(sent["options"]["temperature"], 0.0);
  EXPECT_EQ(sent["options"]["stop"], Json::array({"\n"}));
  EXPECT_EQ(provider.last_auth(), "");
}

TEST(RemoteBackendTest, OpenAiGenerateReadsServerSentEventsAndSendsKey) {
  FakeProvider provider;
  MapEnvironment env({{"TEST_KEY", "sekrit"}});
  auto backend = OpenBackend(
      {.api = "openai", .base_url = provider.url() + "/v1", .model = "gpt", .api_key_env = "TEST_KEY"},
      {.environment = &env});
  StatusOr<GenerateResult> result = backend->Generate(Request(), {}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->text, "Hi there");
  EXPECT_EQ(result->finish_reason, FinishReason::kStop);
  EXPECT_EQ(result->prompt_tokens, 4);
  EXPECT_EQ(result->generated_tokens, 2);
  EXPECT_EQ(provider.last_auth(), "Bearer sekrit");
  EXPECT_EQ(provider.last_body()["max_tokens"], 8);
  EXPECT_EQ(provider.last_body()["stream"], true);
}

TEST(RemoteBackendTest, UnsetKeyVariableIsFailedPrecondition) {
  FakeProvider provider;
  MapEnvironment env({});
  auto backend = OpenBackend(
      {.api = "openai", .base_url = provider.url() + "/v1", .model = "gpt", .api_key_env = "NOPE"},
      {.environment = &env});
  StatusOr<GenerateResult> result = backend->Generate(Request(), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("$NOPE"), std::string::npos);
}

TEST(RemoteBackendTest, EmbedBothApisInInputOrderNormalized) {
  FakeProvider provider;
  auto ollama = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "e"});
  StatusOr<EmbedResult> result = ollama->Embed({.inputs = {"a", "b"}}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->embeddings.size(), 2u);
  EXPECT_FLOAT_EQ(result->embeddings[0][0], 0.6f);
  EXPECT_FLOAT_EQ(result->embeddings[1][1], 0.8f);
  EXPECT_EQ(result->prompt_tokens, 5);
  EXPECT_EQ(provider.last_body()["input"], Json::array({"a", "b"}));

  auto openai = OpenBackend({.api = "openai", .base_url = provider.url() + "/v1", .model = "e"});
  result = openai->Embed({.inputs = {"a", "b"}}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->embeddings[0], (std::vector<float>{1, 0}));
  EXPECT_EQ(result->embeddings[1], (std::vector<float>{0, 1}));
  EXPECT_EQ(result->prompt_tokens, 7);
}

TEST(RemoteBackendTest, ProviderErrorsMapToClearStatuses) {
  FakeProvider provider;
  auto backend = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "missing"});
  StatusOr<GenerateResult> result = backend->Generate(Request(), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_NE(result.status().message().find("model 'missing' not found"), std::string::npos);

  backend = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "broken"});
  result = backend->Generate(Request(), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("out of memory"), std::string::npos);

  backend = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "garbage"});
  result = backend->Generate(Request(), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("not a JSON object"), std::string::npos);
}

TEST(RemoteBackendTest, OverlongLineIsRefused) {
  FakeProvider provider;
  auto backend = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "m"},
                             {.max_line_bytes = 10});
  StatusOr<GenerateResult> result = backend->Generate(Request(), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_NE(result.status().message().find("longer than 10 bytes"), std::string::npos);
}

TEST(RemoteBackendTest, UnreachableProviderIsUnavailableNamingIt) {
  // Port 1 on loopback: privileged, nothing listens there.
  const std::string url = "http://127.0.0.1:1";
  auto backend = OpenBackend({.api = "ollama", .base_url = url, .model = "m"});
  StatusOr<GenerateResult> result = backend->Generate(Request(), {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(result.status().message().find("cannot reach remote provider " + url),
            std::string::npos)
      << result.status();
}

TEST(RemoteBackendTest, CallbackFalseCancelsASlowStream) {
  FakeProvider provider;
  auto backend = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "slow"});
  int pieces = 0;
  StatusOr<GenerateResult> result =
      backend->Generate(Request(), [&](const GeneratePiece&) { return ++pieces < 3; }, {});
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(pieces, 3);
}

TEST(RemoteBackendTest, StopTokenCancelsASlowStream) {
  FakeProvider provider;
  auto backend = OpenBackend({.api = "ollama", .base_url = provider.url(), .model = "slow"});
  std::stop_source stop;
  StatusOr<GenerateResult> result = backend->Generate(
      Request(),
      [&](const GeneratePiece&) {
        stop.request_stop();
        return true;
      },
      stop.get_token());
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
}

TEST(RemoteBackendTest, LocalOnlyOperationsAndBadEntriesAreRefused) {
  EXPECT_EQ(RemoteBackend::Open({.api = "grpc", .base_url = "http://x", .model = "m"}, "t")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  auto backend = OpenBackend({.api = "ollama", .base_url = "http://127.0.0.1:1", .model = "m"});
  EXPECT_EQ(backend->Tokenize("a", true).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(backend->Detokenize({1}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(backend->Rerank({.query = "q", .documents = {"d"}}, {}).status().code(),
            StatusCode::kFailedPrecondition);
  GenerateRequest request = Request();
  request.grammar = "root ::= \"a\"";
  EXPECT_EQ(backend->Generate(request, {}, {}).status().code(), StatusCode::kInvalidArgument);
  StatusOr<InferenceStats> stats = backend->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->resident_bytes, 0u);
}

}  // namespace
}  // namespace hearth
