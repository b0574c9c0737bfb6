// RunnerClient against the real `hearth runner` child: it serves what the
// in-process engine serves, a runner killed mid-generation fails only that
// request (and a new runner serves the next), cancellation reaches the
// runner, and bad models, bad paths and garbage on the socket give clear
// errors. Uses the TinyStories model from the shared data and a fixture
// embedder.
#include "models/runner_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "models/inference_engine.h"
#include "models/llama_backend.h"
#include "models/runner_socket.h"
#include "tests/fixtures/fixture_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr char kStoriesModel[] = "models/stories260K.gguf";

GenerateRequest Greedy(std::string prompt, int32_t max_tokens) {
  GenerateRequest request;
  request.prompt = std::move(prompt);
  request.sampling.temperature = 0.0f;
  request.max_tokens = max_tokens;
  return request;
}

// Runs until the context is full: long enough to be interrupted.
GenerateRequest Endless() {
  GenerateRequest request = Greedy("Once upon a time", -1);
  request.ignore_eos = true;
  return request;
}

class RunnerClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "hearth-rc-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunnerOptions Options(const std::filesystem::path& model, int32_t slots = 1,
                        int32_t context = 1024) {
    RunnerOptions options;
    options.load = {.model_path = model, .context_length = context, .slots = slots, .threads = 1};
    options.display_name = model.stem().string();
    options.runner_binary = HEARTH_BINARY;
    options.socket_dir = dir_ / "sockets";
    return options;
  }

  std::unique_ptr<RunnerClient> StartOrFail(const RunnerOptions& options) {
    auto runner = RunnerClient::Start(options);
    EXPECT_TRUE(runner.ok()) << runner.status();
    return runner.ok() ? std::move(*runner) : nullptr;
  }

  std::filesystem::path dir_;
};

TEST_F(RunnerClientTest, GeneratesWhatTheInProcessEngineGenerates) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, kStoriesModel);
  auto runner = StartOrFail(Options(model, 1, 256));
  ASSERT_NE(runner, nullptr);
  EXPECT_TRUE(runner->Alive());
  EXPECT_EQ(runner->started_stats().slots, 1);
  EXPECT_EQ(runner->started_stats().context_length, 256);

  std::string streamed;
  auto remote = runner->Generate(Greedy("Once upon a time", 24),
                                 [&](const GeneratePiece& piece) {
                                   streamed += piece.text;
                                   return true;
                                 },
                                 {});
  ASSERT_TRUE(remote.ok()) << remote.status();
  EXPECT_EQ(streamed, remote->text);

  InitLlamaBackend();
  auto engine = InferenceEngine::Open({.model_path = model, .context_length = 256, .threads = 1});
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto local = (*engine)->Generate(Greedy("Once upon a time", 24), nullptr, {});
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ(remote->text, local->text);
  EXPECT_GE(remote->text.size(), 20u);
  EXPECT_EQ(remote->generated_tokens, local->generated_tokens);

  auto tokens = runner->Tokenize("Once upon a time", true);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(*tokens, *(*engine)->Tokenize("Once upon a time", true));
  auto text = runner->Detokenize(*tokens);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("Once upon a time"));
}

TEST_F(RunnerClientTest, KillingTheRunnerMidGenerationFailsOnlyThatRequest) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, kStoriesModel);
  auto runner = StartOrFail(Options(model));
  ASSERT_NE(runner, nullptr);
  const pid_t pid = runner->pid();
  int pieces = 0;
  auto result = runner->Generate(Endless(),
                                 [&](const GeneratePiece&) {
                                   if (++pieces == 1) ::kill(pid, SIGKILL);
                                   return true;
                                 },
                                 {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(),
              AllOf(HasSubstr("runner for 'stories260K' (pid " + std::to_string(pid) + ")"),
                    HasSubstr("was killed by signal 9"), HasSubstr("during the request")));
  EXPECT_FALSE(runner->Alive());
  // Later calls on the dead runner say so too.
  EXPECT_EQ(runner->Stats().status().code(), StatusCode::kUnavailable);

  auto next = StartOrFail(Options(model));
  ASSERT_NE(next, nullptr);
  EXPECT_NE(next->pid(), pid);
  auto served = next->Generate(Greedy("Once upon a time", 8), nullptr, {});
  ASSERT_TRUE(served.ok()) << served.status();
  EXPECT_FALSE(served->text.empty());
}

TEST_F(RunnerClientTest, ServesConcurrentRequestsOnTwoSlots) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, kStoriesModel);
  auto runner = StartOrFail(Options(model, 2, 256));
  ASSERT_NE(runner, nullptr);
  auto alone = runner->Generate(Greedy("Once upon a time", 16), nullptr, {});
  ASSERT_TRUE(alone.ok()) << alone.status();

  StatusOr<GenerateResult> first = InternalError("not run");
  StatusOr<GenerateResult> second = InternalError("not run");
  std::thread a([&] { first = runner->Generate(Greedy("Once upon a time", 16), nullptr, {}); });
  std::thread b([&] { second = runner->Generate(Greedy("Once upon a time", 16), nullptr, {}); });
  a.join();
  b.join();
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->text, alone->text);
  EXPECT_EQ(second->text, alone->text);
}

TEST_F(RunnerClientTest, StopTokenEndsTheRequestInTheRunner) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, kStoriesModel);
  auto runner = StartOrFail(Options(model, 1));
  ASSERT_NE(runner, nullptr);
  std::stop_source stop;
  int pieces = 0;
  auto cancelled = runner->Generate(Endless(),
                                    [&](const GeneratePiece&) {
                                      if (++pieces == 2) stop.request_stop();
                                      return true;
                                    },
                                    stop.get_token());
  // Cancelled is the runner's answer: had it not stopped, the client (which
  // waits up to cancel_grace for the final frame) would get the full result.
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.status().code(), StatusCode::kCancelled) << cancelled.status();
  // The engine frees the slot on its own thread just after it answers.
  int32_t active = -1;
  for (int i = 0; i < 200 && active != 0; ++i) {
    auto stats = runner->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status();
    active = stats->active_requests;
    if (active != 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(active, 0);
  auto next = runner->Generate(Greedy("Once upon a time", 8), nullptr, {});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(runner->Alive());
}

TEST_F(RunnerClientTest, EmbedsLikeTheInProcessEngine) {
  auto spec = fixture::PresetSpec(fixture::FixtureKind::kEmbedder, "tiny");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const std::filesystem::path model = dir_ / "embedder.gguf";
  ASSERT_TRUE(fixture::BuildFixture(*spec, model).ok());
  auto runner = StartOrFail(Options(model, 1, 512));
  ASSERT_NE(runner, nullptr);
  EXPECT_GT(runner->started_stats().embedding_length, 0);

  auto remote = runner->Embed({.inputs = {"hello world", "a cat"}, .normalize = true, .truncate = true}, {});
  ASSERT_TRUE(remote.ok()) << remote.status();
  ASSERT_EQ(remote->embeddings.size(), 2u);
  ASSERT_EQ(remote->embeddings[0].size(),
            static_cast<size_t>(runner->started_stats().embedding_length));
  double norm = 0;
  for (float v : remote->embeddings[0]) norm += double{v} * v;
  EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-3);

  InitLlamaBackend();
  auto engine = InferenceEngine::Open({.model_path = model, .context_length = 512, .threads = 1});
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto local = (*engine)->Embed({.inputs = {"hello world", "a cat"}, .normalize = true, .truncate = true}, {});
  ASSERT_TRUE(local.ok()) << local.status();
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(remote->embeddings[i].size(), local->embeddings[i].size());
    for (size_t d = 0; d < local->embeddings[i].size(); ++d) {
      EXPECT_NEAR(remote->embeddings[i][d], local->embeddings[i][d], 1e-5) << i << "," << d;
    }
  }
}

TEST_F(RunnerClientTest, GarbageModelFailsStartWithTheRunnersError) {
  const std::filesystem::path model = dir_ / "garbage.gguf";
  std::ofstream(model) << "this is not a GGUF file, just text";
  auto runner = RunnerClient::Start(Options(model));
  ASSERT_FALSE(runner.ok());
  EXPECT_NE(runner.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(runner.status().message(),
              AllOf(HasSubstr("runner for 'garbage'"), HasSubstr("could not start"),
                    HasSubstr("invalid magic")));  // llama.cpp's reason, from the runner's log
  // No socket is left behind.
  EXPECT_TRUE(std::filesystem::is_empty(dir_ / "sockets"));
}

TEST_F(RunnerClientTest, GarbledFramesGetAnErrorAndTheRunnerKeepsServing) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, kStoriesModel);
  auto runner = StartOrFail(Options(model, 1, 256));
  ASSERT_NE(runner, nullptr);
  auto fd = ConnectUnixSocket(runner->socket_path());
  ASSERT_TRUE(fd.ok()) << fd.status();
  const std::string garbage(64, '\x7f');
  ASSERT_EQ(::send(fd->get(), garbage.data(), garbage.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(garbage.size()));
  auto reply = ReadFrame(fd->get());
  ASSERT_TRUE(reply.ok() && *reply) << reply.status();
  ASSERT_EQ((*reply)->type, FrameType::kError);
  EXPECT_EQ(DecodeError((*reply)->payload).code(), StatusCode::kInvalidArgument);

  auto tokens = runner->Tokenize("Once", false);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_FALSE(tokens->empty());
  EXPECT_TRUE(runner->Alive());
}

TEST_F(RunnerClientTest, ShutdownEndsTheRunnerAndRemovesItsSocket) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(model, kStoriesModel);
  auto runner = StartOrFail(Options(model, 1, 256));
  ASSERT_NE(runner, nullptr);
  const std::filesystem::path socket = runner->socket_path();
  EXPECT_TRUE(std::filesystem::exists(socket));
  ExitInfo exit = runner->Shutdown(std::chrono::seconds(5));
  EXPECT_TRUE(exit.Succeeded()) << exit.Describe();  // SIGTERM is an orderly stop
  EXPECT_FALSE(runner->Alive());
  EXPECT_FALSE(std::filesystem::exists(socket));
  EXPECT_EQ(runner->Tokenize("x", false).status().code(), StatusCode::kUnavailable);
}

TEST_F(RunnerClientTest, RefusesBadPathsBeforeStartingAnything) {
  RunnerOptions options = Options(dir_ / "model.gguf");
  options.socket_dir = dir_ / std::string(120, 's');
  auto too_long = RunnerClient::Start(options);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.status().message(), HasSubstr("choose a shorter socket directory"));

  options = Options(dir_ / "model.gguf");
  options.runner_binary = dir_ / "no-such-hearth";
  EXPECT_EQ(RunnerClient::Start(options).status().code(), StatusCode::kNotFound);

  options = Options(dir_ / "model.gguf");
  std::filesystem::create_directory(dir_ / "open");
  std::filesystem::permissions(dir_ / "open", std::filesystem::perms::all);
  options.socket_dir = dir_ / "open";
  auto open_dir = RunnerClient::Start(options);
  EXPECT_EQ(open_dir.status().code(), StatusCode::kFailedPrecondition) << open_dir.status();
}

}  // namespace
}  // namespace hearth
