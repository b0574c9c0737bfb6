// RunnerServer and RunnerChannel over a real Unix socket, with a fake
// backend: every call crosses the socket intact, cancellation reaches the
// backend (stop token, callback, closed connection), garbage on the socket
// gets an error without disturbing other connections, and a lost runner is
// reported through describe_loss.
#include "models/runner_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <barrier>
#include <filesystem>
#include <latch>
#include <sys/socket.h>
#include <thread>

#include "models/runner_channel.h"
#include "models/runner_socket.h"

namespace hearth {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

GenerateRequest Prompt(std::string prompt, int32_t max_tokens = -1) {
  GenerateRequest request;
  request.prompt = std::move(prompt);
  request.max_tokens = max_tokens;
  return request;
}

// Streams the prompt's characters one piece each. The prompt "forever"
// streams until stopped; "pair" waits until two such requests run at once.
class FakeBackend : public InferenceBackend {
 public:
  StatusOr<GenerateResult> Generate(const GenerateRequest& request, const PieceCallback& on_piece,
                                    std::stop_token stop) override {
    if (request.prompt == "pair") pair_.arrive_and_wait();
    if (request.prompt == "forever") return Forever(on_piece, stop);
    if (request.prompt.empty()) return InvalidArgumentError("the prompt is empty");
    GenerateResult result;
    result.finish_reason = FinishReason::kLength;
    result.prompt_tokens = static_cast<int32_t>(request.prompt.size());
    result.generated_tokens = request.max_tokens;
    for (char c : request.prompt) {
      if (!on_piece({.text = std::string(1, c), .token_count = 1})) return CancelledError("stopped");
      result.text += c;
    }
    return result;
  }

  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token) override {
    EmbedResult result;
    for (const std::string& input : request.inputs) {
      result.embeddings.push_back({static_cast<float>(input.size()), request.normalize ? 1.0f : 0.0f});
      result.truncated.push_back(false);
    }
    return result;
  }

  StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token) override {
    RerankResult result;
    for (const std::string& document : request.documents) {
      result.scores.push_back(document.find(request.query) != std::string::npos ? 1.0f : 0.0f);
    }
    return result;
  }

  StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) override {
    std::vector<int32_t> tokens;
    if (add_special) tokens.push_back(1);
    for (char c : text) tokens.push_back(c);
    return tokens;
  }

  StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) override {
    std::string text;
    for (int32_t token : tokens) text += static_cast<char>(token);
    return text;
  }

  StatusOr<InferenceStats> Stats() override {
    return InferenceStats{.context_length = 256, .slots = 2, .active_requests = running_};
  }

  std::atomic<int> running_{0};
  std::atomic<int> stopped_by_token_{0};
  std::atomic<int> stopped_by_callback_{0};
  std::barrier<> pair_{2};

 private:
  StatusOr<GenerateResult> Forever(const PieceCallback& on_piece, std::stop_token stop) {
    ++running_;
    while (!stop.stop_requested()) {
      if (!on_piece({.text = "x", .token_count = 1})) {
        ++stopped_by_callback_;
        --running_;
        return CancelledError("the callback stopped generation");
      }
      std::this_thread::sleep_for(2ms);
    }
    ++stopped_by_token_;
    --running_;
    return CancelledError("generation was cancelled");
  }
};

class RunnerServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "hearth-runner-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    socket_ = dir_ / "r.sock";
    auto server = RunnerServer::Listen({.socket_path = socket_, .max_connections = 4}, backend_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    serving_ = std::jthread([this] { served_ = server_->Serve(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (serving_.joinable()) serving_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  RunnerChannel Channel() { return RunnerChannel({.socket_path = socket_, .cancel_grace = 5s}); }

  // Waits (bounded) for `condition`; for state the server changes on its own threads.
  template <typename F>
  bool Eventually(F condition) {
    for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(5ms);
    return condition();
  }

  FakeBackend backend_;
  std::filesystem::path dir_;
  std::filesystem::path socket_;
  std::unique_ptr<RunnerServer> server_;
  Status served_;
  std::jthread serving_;
};

TEST_F(RunnerServerTest, GenerateStreamsPiecesAndTheResult) {
  RunnerChannel channel = Channel();
  std::vector<std::string> pieces;
  auto result = channel.Generate(Prompt("abc", 3),
                                 [&](const GeneratePiece& piece) {
                                   pieces.push_back(piece.text);
                                   return true;
                                 },
                                 {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(pieces, ElementsAre("a", "b", "c"));
  EXPECT_EQ(result->text, "abc");
  EXPECT_EQ(result->finish_reason, FinishReason::kLength);
  EXPECT_EQ(result->prompt_tokens, 3);
  EXPECT_EQ(result->generated_tokens, 3);
}

TEST_F(RunnerServerTest, EveryOtherCallCrossesTheSocket) {
  RunnerChannel channel = Channel();
  auto embed = channel.Embed({.inputs = {"a", "abcd"}, .normalize = true}, {});
  ASSERT_TRUE(embed.ok()) << embed.status();
  ASSERT_EQ(embed->embeddings.size(), 2u);
  EXPECT_THAT(embed->embeddings[1], ElementsAre(4.0f, 1.0f));

  auto rerank = channel.Rerank({.query = "cat", .documents = {"a dog", "the cat"}}, {});
  ASSERT_TRUE(rerank.ok()) << rerank.status();
  EXPECT_THAT(rerank->scores, ElementsAre(0.0f, 1.0f));

  auto tokens = channel.Tokenize("hi", true);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_THAT(*tokens, ElementsAre(1, 'h', 'i'));
  auto text = channel.Detokenize({'o', 'k'});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "ok");

  auto stats = channel.Stats();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->context_length, 256);
  EXPECT_EQ(stats->slots, 2);
}

TEST_F(RunnerServerTest, BackendErrorsKeepTheirCodeAndMessage) {
  RunnerChannel channel = Channel();
  auto result = channel.Generate(Prompt(""), nullptr, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status(), InvalidArgumentError("the prompt is empty"));
  // The connection-per-request client is unaffected by the failure.
  EXPECT_TRUE(channel.Stats().ok());
}

TEST_F(RunnerServerTest, StopTokenCancelsTheRequestInTheRunner) {
  RunnerChannel channel = Channel();
  std::stop_source stop;
  int pieces = 0;
  auto result = channel.Generate(Prompt("forever"),
                                 [&](const GeneratePiece&) {
                                   if (++pieces == 3) stop.request_stop();
                                   return true;
                                 },
                                 stop.get_token());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled) << result.status();
  // The channel waited for the runner to end the request.
  EXPECT_EQ(backend_.stopped_by_token_, 1);
  EXPECT_EQ(backend_.running_, 0);
}

TEST_F(RunnerServerTest, CallbackReturningFalseCancels) {
  RunnerChannel channel = Channel();
  int pieces = 0;
  auto result = channel.Generate(Prompt("forever"),
                                 [&](const GeneratePiece&) { return ++pieces < 2; }, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(pieces, 2);  // no piece is delivered after the callback said stop
  EXPECT_EQ(backend_.stopped_by_token_ + backend_.stopped_by_callback_, 1);
}

TEST_F(RunnerServerTest, ClosingTheConnectionCancelsTheRequest) {
  {
    auto fd = ConnectUnixSocket(socket_);
    ASSERT_TRUE(fd.ok()) << fd.status();
    ASSERT_TRUE(WriteFrame(fd->get(), {FrameType::kGenerate, 9,
                                       EncodeGenerateRequest(Prompt("forever"))})
                    .ok());
    auto piece = ReadFrame(fd->get());
    ASSERT_TRUE(piece.ok() && *piece) << piece.status();
    EXPECT_EQ((*piece)->type, FrameType::kPiece);
    EXPECT_EQ((*piece)->request_id, 9u);
  }  // closes the connection
  EXPECT_TRUE(Eventually([&] { return backend_.running_ == 0; }));
  EXPECT_EQ(backend_.stopped_by_token_ + backend_.stopped_by_callback_, 1);
}

TEST_F(RunnerServerTest, GarbledHeaderGetsAnErrorAndTheRunnerKeepsServing) {
  auto fd = ConnectUnixSocket(socket_);
  ASSERT_TRUE(fd.ok());
  const std::string garbage = "GET / HTTP/1.1\r\nHost: runner\r\n\r\n";
  ASSERT_EQ(::send(fd->get(), garbage.data(), garbage.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(garbage.size()));
  auto reply = ReadFrame(fd->get());
  ASSERT_TRUE(reply.ok() && *reply) << reply.status();
  ASSERT_EQ((*reply)->type, FrameType::kError);
  Status error = DecodeError((*reply)->payload);
  EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(error.message(), HasSubstr("bad magic"));
  // The runner closed this connection (a reset when garbage was left unread).
  auto end = ReadFrame(fd->get());
  if (end.ok()) {
    EXPECT_FALSE(end->has_value());
  } else {
    EXPECT_EQ(end.status().code(), StatusCode::kUnavailable) << end.status();
  }

  auto tokens = Channel().Tokenize("ok", false);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_THAT(*tokens, ElementsAre('o', 'k'));
}

TEST_F(RunnerServerTest, BadPayloadGetsAnErrorAndTheConnectionStaysUsable) {
  auto fd = ConnectUnixSocket(socket_);
  ASSERT_TRUE(fd.ok());
  ASSERT_TRUE(WriteFrame(fd->get(), {FrameType::kEmbed, 1, "\xff\xff\xff\x7f"}).ok());
  auto reply = ReadFrame(fd->get());
  ASSERT_TRUE(reply.ok() && *reply) << reply.status();
  ASSERT_EQ((*reply)->type, FrameType::kError);
  EXPECT_EQ(DecodeError((*reply)->payload).code(), StatusCode::kInvalidArgument);

  ASSERT_TRUE(WriteFrame(fd->get(), {FrameType::kPiece, 2, EncodeGeneratePiece({})}).ok());
  reply = ReadFrame(fd->get());
  ASSERT_TRUE(reply.ok() && *reply);
  EXPECT_THAT(DecodeError((*reply)->payload).message(), HasSubstr("does not accept 'piece'"));

  ASSERT_TRUE(WriteFrame(fd->get(), {FrameType::kStats, 3, ""}).ok());
  reply = ReadFrame(fd->get());
  ASSERT_TRUE(reply.ok() && *reply);
  EXPECT_EQ((*reply)->type, FrameType::kStatsResult);
  EXPECT_EQ((*reply)->request_id, 3u);
}

TEST_F(RunnerServerTest, RequestsRunConcurrently) {
  // Each "pair" request blocks in the backend until the other arrives, so
  // this only finishes if the server runs both at once.
  RunnerChannel channel = Channel();
  StatusOr<GenerateResult> first = InternalError("not run");
  std::thread other([&] { first = channel.Generate(Prompt("pair"), nullptr, {}); });
  auto second = channel.Generate(Prompt("pair"), nullptr, {});
  other.join();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->text, "pair");
}

TEST_F(RunnerServerTest, NoRunnerIsReportedThroughDescribeLoss) {
  server_->Stop();
  serving_.join();
  server_.reset();  // removes the socket
  bool during = true;
  RunnerChannel channel({.socket_path = socket_, .describe_loss = [&](const Status& cause, bool d) {
                           during = d;
                           return UnavailableError("runner 'fake' is gone: " + cause.message());
                         }});
  auto stats = channel.Stats();
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(stats.status().message(), HasSubstr("runner 'fake' is gone"));
  EXPECT_FALSE(during);
}

TEST_F(RunnerServerTest, ServerStoppingMidRequestIsALostConnection) {
  bool during = false;
  RunnerChannel channel({.socket_path = socket_, .describe_loss = [&](const Status& cause, bool d) {
                           during = d;
                           return cause;
                         }});
  std::latch started(1);
  bool counted = false;
  std::thread stopper([&] {
    started.wait();
    server_->Stop();
  });
  auto result = channel.Generate(Prompt("forever"),
                                 [&](const GeneratePiece&) {
                                   if (!counted) started.count_down();
                                   counted = true;
                                   return true;
                                 },
                                 {});
  stopper.join();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable) << result.status();
  EXPECT_TRUE(during);
  serving_.join();
  EXPECT_TRUE(served_.ok()) << served_;
  EXPECT_EQ(backend_.running_, 0);
}

TEST(RunnerServerListenTest, RefusesAPathTooLongForASocket) {
  FakeBackend backend;
  auto server = RunnerServer::Listen({.socket_path = "/tmp/" + std::string(200, 'x')}, backend);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("Unix sockets allow 1 to 107"));
}

}  // namespace
}  // namespace hearth
