// The scheduler's rules, with real model files in a real store and a
// recording backend in place of runner processes (the runner itself is
// tested in runner_client_test.cc; scheduler_runner_test.cc puts both
// together).
#include "models/scheduler.h"

#include <atomic>

#include "base/fake_clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "models/engine_test_models.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr uint64_t kGiB = uint64_t{1} << 30;

// Stands in for a runner: answers every call, records how many exist.
class RecordingBackend : public InferenceBackend {
 public:
  explicit RecordingBackend(std::atomic<int>* alive) : alive_(alive) { ++*alive_; }
  ~RecordingBackend() override { --*alive_; }

  StatusOr<GenerateResult> Generate(const GenerateRequest&, const PieceCallback&,
                                    std::stop_token) override {
    return GenerateResult{.text = "ok"};
  }
  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token) override {
    return EmbedResult{.embeddings = {request.inputs.size(), std::vector<float>(4, 0.5f)}};
  }
  StatusOr<RerankResult> Rerank(const RerankRequest&, std::stop_token) override {
    return RerankResult{};
  }
  StatusOr<std::vector<int32_t>> Tokenize(const std::string&, bool) override {
    return std::vector<int32_t>{1};
  }
  StatusOr<std::string> Detokenize(const std::vector<int32_t>&) override { return std::string(); }
  StatusOr<InferenceStats> Stats() override { return InferenceStats{}; }

 private:
  std::atomic<int>* alive_;
};

ModelName Name(std::string_view text) {
  StatusOr<ModelName> name = ParseModelName(text);
  EXPECT_TRUE(name.ok()) << name.status();
  return *name;
}

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(::testing::TempDir()) /
            ("scheduler-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
    StatusOr<std::unique_ptr<ModelStore>> store = ModelStore::Open({.root = root_});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    Install("chat", testing::FixtureModel(fixture::FixtureKind::kDecoder, "tiny"));
    Install("embed", testing::FixtureModel(fixture::FixtureKind::kEmbedder, "tiny"));
  }
  void TearDown() override {
    scheduler_.reset();
    std::filesystem::remove_all(root_);
  }

  void Install(std::string_view name, const std::filesystem::path& file) {
    ASSERT_FALSE(file.empty());
    StatusOr<ModelEntry> created = store_->Create(Name(name), {.from_file = file});
    ASSERT_TRUE(created.ok()) << created.status();
  }

  void Start(SchedulerOptions options) {
    options.expiry_interval = std::chrono::milliseconds(5);
    BackendLoader loader = [this](const ResolvedModel&,
                                  const ModelLoadOptions& load) -> StatusOr<std::unique_ptr<InferenceBackend>> {
      loads_with_.push_back(load);
      if (fail_loads_) return InternalError("the runner could not load the model");
      return std::unique_ptr<InferenceBackend>(new RecordingBackend(&alive_));
    };
    StatusOr<std::unique_ptr<Scheduler>> made =
        Scheduler::Create(options, *store_, loader, {}, &clock_);
    ASSERT_TRUE(made.ok()) << made.status();
    scheduler_ = std::move(*made);
  }

  // The footprint the scheduler gives `name` when nothing competes.
  uint64_t FootprintOf(std::string_view name, SchedulerOptions options) {
    options.memory_budget = 1000 * kGiB;
    Start(options);
    uint64_t bytes = 0;
    {
      StatusOr<ModelLease> lease = scheduler_->Acquire({.model = Name(name)});
      EXPECT_TRUE(lease.ok()) << lease.status();
      bytes = scheduler_->memory_used();
    }
    scheduler_.reset();
    loads_with_.clear();
    return bytes;
  }

  int Count(ModelEventKind kind) const {
    int count = 0;
    for (const ModelEvent& event : scheduler_->Events()) count += event.kind == kind;
    return count;
  }

  void WaitUntilUnloaded(int expected_unloads) {
    for (int i = 0; i < 400 && Count(ModelEventKind::kUnload) < expected_unloads; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::filesystem::path root_;
  std::unique_ptr<ModelStore> store_;
  FakeClock clock_;
  std::atomic<int> alive_{0};
  bool fail_loads_ = false;
  std::vector<ModelLoadOptions> loads_with_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, ChatAndEmbedderThatFitTogetherLoadOnceEach) {
  Start({.memory_budget = 1000 * kGiB});
  for (int i = 0; i < 100; ++i) {
    StatusOr<ModelLease> lease = scheduler_->Acquire({.model = Name(i % 2 ? "embed" : "chat")});
    ASSERT_TRUE(lease.ok()) << lease.status();
  }
  EXPECT_EQ(Count(ModelEventKind::kLoad), 2);
  EXPECT_EQ(Count(ModelEventKind::kUnload), 0);
  EXPECT_EQ(alive_, 2);
  EXPECT_THAT(scheduler_->Loaded(), SizeIs(2));
}

TEST_F(SchedulerTest, BudgetForOnlyOneEvictsTheIdleOtherAndSaysWhy) {
  // Room for either, not both, even degraded (the embedder cannot shrink and
  // the chat model is already at its smallest context and KV type).
  SchedulerOptions options{.default_context = 256};
  uint64_t chat = FootprintOf("chat", options);
  uint64_t embed = FootprintOf("embed", options);
  options.memory_budget = std::max(chat, embed) + 1;
  Start(options);
  for (std::string_view name : {"chat", "embed", "chat"}) {
    StatusOr<ModelLease> lease = scheduler_->Acquire({.model = Name(name)});
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_THAT(scheduler_->Loaded(), SizeIs(1));
  }
  std::vector<ModelEvent> events = scheduler_->Events();
  ASSERT_THAT(events, SizeIs(5));  // load, unload, load, unload, load
  EXPECT_EQ(events[1].kind, ModelEventKind::kUnload);
  EXPECT_THAT(events[1].reason, HasSubstr("evicted (idle, least recently used) to make room for embed"));
  EXPECT_THAT(events[2].reason, HasSubstr("evicted chat:latest"));
  for (const ModelEvent& event : events) EXPECT_FALSE(event.reason.empty());
  EXPECT_LE(scheduler_->memory_used(), scheduler_->memory_budget());
}

TEST_F(SchedulerTest, AServingModelIsNeverEvictedAndTheRefusalNamesTheNumbers) {
  SchedulerOptions options{.default_context = 256};
  uint64_t chat = FootprintOf("chat", options);
  uint64_t embed = FootprintOf("embed", options);
  options.memory_budget = std::max(chat, embed) + 1;
  Start(options);
  StatusOr<ModelLease> serving = scheduler_->Acquire({.model = Name("chat")});
  ASSERT_TRUE(serving.ok());
  StatusOr<ModelLease> refused = scheduler_->Acquire({.model = Name("embed")});
  ASSERT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.status().message(), HasSubstr("chat:latest"));
  EXPECT_THAT(refused.status().message(), HasSubstr("(serving)"));
  EXPECT_THAT(refused.status().message(), HasSubstr("MiB"));
  EXPECT_EQ(Count(ModelEventKind::kUnload), 0);
  EXPECT_EQ(alive_, 1);
}

TEST_F(SchedulerTest, KeepAliveFollowsOllamaSemantics) {
  Start({.memory_budget = 1000 * kGiB});
  {  // 0: unloaded as soon as idle
    auto lease = scheduler_->Acquire({.model = Name("chat"), .keep_alive = std::chrono::seconds(0)});
    ASSERT_TRUE(lease.ok());
  }
  EXPECT_EQ(Count(ModelEventKind::kUnload), 1);
  {  // negative: forever
    auto lease = scheduler_->Acquire({.model = Name("chat"), .keep_alive = std::chrono::seconds(-1)});
    ASSERT_TRUE(lease.ok());
  }
  clock_.Advance(std::chrono::hours(24 * 365));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Count(ModelEventKind::kUnload), 1);
  {  // default 5 minutes
    auto lease = scheduler_->Acquire({.model = Name("embed")});
    ASSERT_TRUE(lease.ok());
  }
  ASSERT_TRUE(scheduler_->Loaded().back().expires_at.has_value() ||
              scheduler_->Loaded().front().expires_at.has_value());
  clock_.Advance(std::chrono::minutes(4));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Count(ModelEventKind::kUnload), 1);
  clock_.Advance(std::chrono::minutes(2));
  WaitUntilUnloaded(2);
  EXPECT_EQ(Count(ModelEventKind::kUnload), 2);
  EXPECT_EQ(scheduler_->Events().back().reason, "keep-alive expired");
  EXPECT_THAT(scheduler_->Loaded(), SizeIs(1));  // chat, kept forever
}

TEST_F(SchedulerTest, PinnedModelsIgnoreKeepAliveZeroAndCannotBeStopped) {
  Start({.memory_budget = 1000 * kGiB});
  ASSERT_TRUE(scheduler_->Pin(Name("chat")).ok());
  {
    auto lease = scheduler_->Acquire({.model = Name("chat"), .keep_alive = std::chrono::seconds(0)});
    ASSERT_TRUE(lease.ok());
    EXPECT_FALSE(lease->loaded_now());
  }
  clock_.Advance(std::chrono::hours(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(Count(ModelEventKind::kUnload), 0);
  Status stop = scheduler_->Unload(Name("chat"), "hearth stop");
  EXPECT_EQ(stop.code(), StatusCode::kFailedPrecondition);
  ASSERT_THAT(scheduler_->Loaded(), SizeIs(1));
  EXPECT_TRUE(scheduler_->Loaded().front().pinned);
}

TEST_F(SchedulerTest, SmallerContextNeverReloadsLargerReloadsWhenItFits) {
  Start({.memory_budget = 1000 * kGiB, .default_context = 512});
  { ASSERT_TRUE(scheduler_->Acquire({.model = Name("chat")}).ok()); }
  {
    auto lease = scheduler_->Acquire({.model = Name("chat"), .context_length = 128});
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(lease->options().context_length, 512);
  }
  EXPECT_EQ(Count(ModelEventKind::kLoad), 1);
  {
    auto lease = scheduler_->Acquire({.model = Name("chat"), .context_length = 1024});
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(lease->options().context_length, 1024);
    EXPECT_FALSE(lease->clamped_from().has_value());
  }
  EXPECT_EQ(Count(ModelEventKind::kLoad), 2);
  EXPECT_THAT(scheduler_->Events()[1].reason, HasSubstr("reloading with context 1024 (was 512)"));
}

TEST_F(SchedulerTest, LargerContextWhileServingIsClampedAndSaysSo) {
  Start({.memory_budget = 1000 * kGiB, .default_context = 512});
  auto serving = scheduler_->Acquire({.model = Name("chat")});
  ASSERT_TRUE(serving.ok());
  auto bigger = scheduler_->Acquire({.model = Name("chat"), .context_length = 1024});
  ASSERT_TRUE(bigger.ok()) << bigger.status();
  EXPECT_EQ(bigger->options().context_length, 512);
  EXPECT_EQ(bigger->clamped_from(), 1024);
  EXPECT_EQ(Count(ModelEventKind::kLoad), 1);
}

TEST_F(SchedulerTest, TheSameRequestTwiceLoadsOnce) {
  Start({.memory_budget = 1000 * kGiB, .default_context = 512});
  for (int i = 0; i < 2; ++i) {
    auto lease = scheduler_->Acquire({.model = Name("chat"), .context_length = 1024});
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_EQ(lease->options().context_length, 1024);
    EXPECT_FALSE(lease->clamped_from().has_value());
  }
  EXPECT_EQ(Count(ModelEventKind::kLoad), 1);
  EXPECT_EQ(Count(ModelEventKind::kUnload), 0);
}

TEST_F(SchedulerTest, MoreContextThanTrainedIsServedByTheLoadedModel) {
  // The tiny decoder is trained for 2048 tokens: no load can give more, so
  // asking for more never reloads, idle or serving, and says it was clamped.
  Start({.memory_budget = 1000 * kGiB, .default_context = 4096});
  for (int i = 0; i < 3; ++i) {
    auto lease = scheduler_->Acquire({.model = Name("chat"), .context_length = 8192});
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_EQ(lease->options().context_length, 2048);
    EXPECT_EQ(lease->clamped_from(), 8192);
  }
  auto serving = scheduler_->Acquire({.model = Name("chat")});
  ASSERT_TRUE(serving.ok());
  EXPECT_FALSE(serving->clamped_from().has_value());
  auto busy = scheduler_->Acquire({.model = Name("chat"), .context_length = 100000});
  ASSERT_TRUE(busy.ok()) << busy.status();
  EXPECT_EQ(busy->clamped_from(), 100000);
  EXPECT_EQ(Count(ModelEventKind::kLoad), 1);
  EXPECT_EQ(Count(ModelEventKind::kUnload), 0);
  ASSERT_THAT(loads_with_, SizeIs(1));
  EXPECT_EQ(loads_with_[0].context_length, 2048);
}

TEST_F(SchedulerTest, TheModelsNumCtxIsTheDefaultARequestOverrides) {
  ASSERT_TRUE(store_->Create(Name("chat-ctx"), {.from_model = Name("chat"),
                                                .parameters = {{"num_ctx", {"1024"}}}})
                  .ok());
  Start({.memory_budget = 1000 * kGiB, .default_context = 512});
  {
    auto lease = scheduler_->Acquire({.model = Name("chat-ctx")});
    ASSERT_TRUE(lease.ok()) << lease.status();
    EXPECT_EQ(lease->options().context_length, 1024);
  }
  {  // less than loaded: served as is
    auto lease = scheduler_->Acquire({.model = Name("chat-ctx"), .context_length = 256});
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(lease->options().context_length, 1024);
  }
  EXPECT_EQ(Count(ModelEventKind::kLoad), 1);
  {
    auto lease = scheduler_->Acquire({.model = Name("chat-ctx"), .context_length = 2048});
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(lease->options().context_length, 2048);
  }
  EXPECT_EQ(Count(ModelEventKind::kLoad), 2);
  EXPECT_THAT(scheduler_->Events()[1].reason, HasSubstr("reloading with context 2048 (was 1024)"));
}

TEST_F(SchedulerTest, ACrashedRunnerIsReplacedThenBackedOff) {
  Start({.memory_budget = 1000 * kGiB, .max_crashes = 2});
  for (int crash = 0; crash < 2; ++crash) {
    auto lease = scheduler_->Acquire({.model = Name("chat")});
    ASSERT_TRUE(lease.ok()) << lease.status();
    lease->ReportBackendFailure(UnavailableError("runner was killed by signal 9"));
  }
  EXPECT_EQ(Count(ModelEventKind::kCrash), 2);
  EXPECT_EQ(Count(ModelEventKind::kLoad), 2);
  auto refused = scheduler_->Acquire({.model = Name("chat")});
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(refused.status().message(), HasSubstr("crashed 2 times"));
  EXPECT_EQ(alive_, 0);
  clock_.Advance(std::chrono::minutes(6));
  EXPECT_TRUE(scheduler_->Acquire({.model = Name("chat")}).ok());
}

TEST_F(SchedulerTest, FailedLoadIsAnEventAndLeavesNothingLoaded) {
  Start({.memory_budget = 1000 * kGiB});
  fail_loads_ = true;
  auto lease = scheduler_->Acquire({.model = Name("chat")});
  EXPECT_EQ(lease.status().code(), StatusCode::kInternal);
  EXPECT_EQ(Count(ModelEventKind::kLoadFailed), 1);
  EXPECT_THAT(scheduler_->Loaded(), SizeIs(0));
  EXPECT_EQ(scheduler_->memory_used(), 0u);
}

TEST_F(SchedulerTest, UnknownModelIsNotFound) {
  Start({.memory_budget = 1000 * kGiB});
  auto lease = scheduler_->Acquire({.model = Name("nope")});
  EXPECT_EQ(lease.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(scheduler_->Events().size(), 0u);
}

}  // namespace
}  // namespace hearth
