#include "models/model_puller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "models/gguf_test_builder.h"
#include "tests/support/loopback_registry.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::hearth::testing::LoopbackRegistry;
using ::hearth::testing::MakeManifestJson;
using ::hearth::testing::TestLayer;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr uint64_t kCut = 100'000;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::set<std::string> Names(const fs::path& directory) {
  std::set<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// A small valid GGUF (~256 KiB, so transfers take several pieces).
std::string TinyGguf() {
  const std::vector<uint8_t> bytes = hearth::testing::GgufTestBuilder()
                                         .AddString("general.architecture", "llama")
                                         .AddTensor("token_embd.weight", {256, 256})
                                         .Build()
                                         .bytes;
  return std::string(bytes.begin(), bytes.end());
}

class ModelPullerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "hearth_model_puller_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = ModelStore::Open({.root = dir_ / "models"});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
    registry_ = LoopbackRegistry::Start();
    gguf_ = TinyGguf();
    Publish("library/tiny", "latest", gguf_, "{{ .Prompt }}");
  }

  void TearDown() override {
    registry_.reset();
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Serves a model of a config, a GGUF layer and a template layer.
  std::string Publish(const std::string& repository, const std::string& tag,
                      const std::string& model, const std::string& template_text) {
    const std::string config = R"({"model_format":"gguf","model_family":"llama"})";
    model_digest_ = registry_->AddBlob(model);
    const std::string json = MakeManifestJson(
        {std::string(kConfigMediaType), registry_->AddBlob(config), config.size()},
        {{std::string(kModelLayerType), model_digest_, model.size()},
         {std::string(kTemplateLayerType), registry_->AddBlob(template_text),
          template_text.size()}});
    registry_->SetManifest(repository, tag, json);
    return json;
  }

  std::string Name(const std::string& rest = "library/tiny:latest") const {
    return registry_->host() + "/" + rest;
  }

  Status Pull(const std::string& name, PullOptions options) {
    events_.clear();
    ModelPuller puller(*store_, std::move(options));
    return puller.Pull(name, [this](const PullProgress& p) { events_.push_back(p); });
  }
  Status Pull(const std::string& name) { return Pull(name, Options()); }

  static PullOptions Options() {
    PullOptions options;
    options.insecure = true;
    options.retries = 0;
    options.connect_timeout = std::chrono::seconds(5);
    options.stall_timeout = std::chrono::seconds(10);
    return options;
  }

  std::vector<std::string> Statuses() const {
    std::vector<std::string> statuses;
    for (const PullProgress& event : events_) {
      if (statuses.empty() || statuses.back() != event.status) statuses.push_back(event.status);
    }
    return statuses;
  }

  bool Installed(const std::string& name) const {
    StatusOr<ModelName> parsed = ParseModelName(name);
    return parsed.ok() && store_->Resolve(*parsed).ok();
  }

  // No blob and no partial file: nothing but the empty tmp/ under blobs/.
  void ExpectNoBlobs() const {
    EXPECT_THAT(Names(dir_ / "models" / "blobs"), ElementsAre("tmp"));
    EXPECT_THAT(Names(dir_ / "models" / "blobs" / "tmp"), IsEmpty());
  }

  fs::path Partial(const Digest& digest) const {
    return dir_ / "models" / "blobs" / "tmp" / ("partial-" + digest.FileName());
  }

  fs::path dir_;
  std::unique_ptr<ModelStore> store_;
  std::unique_ptr<LoopbackRegistry> registry_;
  std::string gguf_;
  Digest model_digest_;
  std::vector<PullProgress> events_;
};

TEST_F(ModelPullerTest, PullsAModelThatThenResolves) {
  const Status pulled = Pull(Name());
  ASSERT_TRUE(pulled.ok()) << pulled;

  const StatusOr<ResolvedModel> model = store_->Resolve(ParseModelName(Name()).value());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(ReadAll(model->model_path), gguf_);
  EXPECT_EQ(model->template_text, "{{ .Prompt }}");
  EXPECT_EQ(registry_->blob_requests(), 3);
  EXPECT_THAT(registry_->ranges(), IsEmpty());
  EXPECT_THAT(Names(dir_ / "models" / "blobs" / "tmp"), IsEmpty());

  const std::vector<std::string> statuses = Statuses();
  ASSERT_GE(statuses.size(), 5u);
  EXPECT_EQ(statuses.front(), "pulling manifest");
  EXPECT_THAT(statuses, Contains("pulling " + model_digest_.Hex().substr(0, 12)));
  const std::vector<std::string> tail(statuses.end() - 3, statuses.end());
  EXPECT_THAT(tail, ElementsAre("verifying sha256 digest", "writing manifest", "success"));
  const auto last_model_event =
      std::find_if(events_.rbegin(), events_.rend(), [&](const PullProgress& event) {
        return event.digest == model_digest_.ToString();
      });
  ASSERT_NE(last_model_event, events_.rend());
  EXPECT_EQ(last_model_event->total, gguf_.size());
  EXPECT_EQ(last_model_event->completed, gguf_.size());
}

TEST_F(ModelPullerTest, StoredBlobsAreNotDownloadedAgain) {
  ASSERT_TRUE(Pull(Name()).ok());
  ASSERT_EQ(registry_->blob_requests(), 3);
  ASSERT_TRUE(Pull(Name()).ok());
  EXPECT_EQ(registry_->blob_requests(), 3);
  EXPECT_EQ(registry_->manifest_requests(), 2);

  // Another model sharing the GGUF and config: only its template is new.
  Publish("library/tiny", "chat", gguf_, "chat: {{ .Prompt }}");
  ASSERT_TRUE(Pull(Name("library/tiny:chat")).ok());
  EXPECT_EQ(registry_->blob_requests(), 4);
  EXPECT_TRUE(Installed(Name("library/tiny:chat")));
}

TEST_F(ModelPullerTest, CorruptedBlobIsRejectedAndLeavesNothing) {
  registry_->set_corrupt_blobs(true);
  const Status pulled = Pull(Name());
  EXPECT_EQ(pulled.code(), StatusCode::kFailedPrecondition) << pulled;
  EXPECT_THAT(pulled.message(), HasSubstr("digest mismatch"));
  EXPECT_THAT(pulled.message(), HasSubstr("sha256:"));
  ExpectNoBlobs();
  EXPECT_FALSE(Installed(Name()));
  EXPECT_THAT(Names(dir_ / "models" / "manifests"), IsEmpty());
  EXPECT_THAT(Statuses(), ::testing::Not(Contains("success")));
}

TEST_F(ModelPullerTest, InterruptedTransferFailsThenResumesWithARange) {
  registry_->CutNextBlobAfter(kCut);
  const Status first = Pull(Name());
  EXPECT_EQ(first.code(), StatusCode::kUnavailable) << first;
  EXPECT_THAT(first.message(), HasSubstr("pull again to resume"));
  EXPECT_FALSE(Installed(Name()));
  EXPECT_FALSE(store_->blobs().Contains(model_digest_));
  EXPECT_EQ(fs::file_size(Partial(model_digest_)), kCut);

  const Status second = Pull(Name());
  ASSERT_TRUE(second.ok()) << second;
  EXPECT_THAT(registry_->ranges(), ElementsAre("bytes=" + std::to_string(kCut) + "-"));
  EXPECT_EQ(ReadAll(store_->blobs().PathOf(model_digest_).value()), gguf_);
  EXPECT_TRUE(Installed(Name()));
  EXPECT_THAT(Names(dir_ / "models" / "blobs" / "tmp"), IsEmpty());
}

TEST_F(ModelPullerTest, RetriesResumeWithinOnePull) {
  registry_->CutNextBlobAfter(kCut);
  PullOptions options = Options();
  options.retries = 1;
  const Status pulled = Pull(Name(), options);
  ASSERT_TRUE(pulled.ok()) << pulled;
  EXPECT_THAT(registry_->ranges(), ElementsAre("bytes=" + std::to_string(kCut) + "-"));
  EXPECT_EQ(ReadAll(store_->blobs().PathOf(model_digest_).value()), gguf_);
}

TEST_F(ModelPullerTest, AServerIgnoringRangeMakesTheResumeStartOver) {
  registry_->set_honor_range(false);  // unsized bodies: a cut looks like an early end
  registry_->CutNextBlobAfter(kCut);
  const Status first = Pull(Name());
  EXPECT_EQ(first.code(), StatusCode::kUnavailable) << first;
  EXPECT_THAT(first.message(), HasSubstr("ended after " + std::to_string(kCut)));

  const Status second = Pull(Name());
  ASSERT_TRUE(second.ok()) << second;
  EXPECT_EQ(registry_->ranges().size(), 1u);  // asked for, answered with the whole blob
  EXPECT_EQ(ReadAll(store_->blobs().PathOf(model_digest_).value()), gguf_);
}

TEST_F(ModelPullerTest, FollowsRedirectsForBlobs) {
  registry_->set_redirect_blobs(true);
  const Status pulled = Pull(Name());
  ASSERT_TRUE(pulled.ok()) << pulled;
  EXPECT_TRUE(Installed(Name()));
}

TEST_F(ModelPullerTest, PathTraversalNamesAreRefusedBeforeAnyRequest) {
  for (const std::string& name :
       {Name("../../etc/passwd"), Name("library/..:latest"), Name("library/tiny:../../x"),
        std::string("../") + Name(), Name("library/a/b/c"), Name("library/tiny%2f..")}) {
    const Status pulled = Pull(name);
    EXPECT_EQ(pulled.code(), StatusCode::kInvalidArgument) << name << ": " << pulled;
  }
  EXPECT_EQ(registry_->requests(), 0);
  ExpectNoBlobs();
}

TEST_F(ModelPullerTest, OversizedManifestIsRefused) {
  registry_->SetManifest("library/big", "latest", std::string(kMaxManifestBytes + 1, ' '));
  const Status pulled = Pull(Name("library/big:latest"));
  EXPECT_EQ(pulled.code(), StatusCode::kInvalidArgument) << pulled;
  EXPECT_THAT(pulled.message(), HasSubstr("larger than"));
  EXPECT_EQ(registry_->blob_requests(), 0);
}

TEST_F(ModelPullerTest, ManifestWithABadDigestIsRefused) {
  std::string json = MakeManifestJson({"c", Digest(), 1}, {{"m", Digest(), 1}});
  json.replace(json.find("sha256:"), 7 + 64, "sha256:../../../etc/passwd");
  registry_->SetManifest("library/bad", "latest", json);
  const Status pulled = Pull(Name("library/bad:latest"));
  EXPECT_EQ(pulled.code(), StatusCode::kInvalidArgument) << pulled;
  EXPECT_EQ(registry_->blob_requests(), 0);
  ExpectNoBlobs();
}

TEST_F(ModelPullerTest, BlobLargerThanDeclaredIsRefused) {
  for (const bool sized : {true, false}) {  // with and without a Content-Length
    SCOPED_TRACE(sized ? "sized" : "unsized");
    registry_->set_honor_range(sized);
    const std::string json = MakeManifestJson(
        {std::string(kConfigMediaType), registry_->AddBlob("{}"), 2},
        {{std::string(kModelLayerType), model_digest_, gguf_.size() - 10}});
    registry_->SetManifest("library/liar", "latest", json);
    const Status pulled = Pull(Name("library/liar:latest"));
    EXPECT_EQ(pulled.code(), StatusCode::kFailedPrecondition) << pulled;
    EXPECT_THAT(pulled.message(), HasSubstr("manifest declares"));
    EXPECT_FALSE(store_->blobs().Contains(model_digest_));
    EXPECT_FALSE(fs::exists(Partial(model_digest_)));
    EXPECT_FALSE(Installed(Name("library/liar:latest")));
  }
}

TEST_F(ModelPullerTest, ModelLayerThatIsNotGgufIsNotInstalled) {
  const Digest model = registry_->AddBlob("this is not a GGUF file");
  Publish("library/junk", "latest", "this is not a GGUF file", "t");
  const Status pulled = Pull(Name("library/junk:latest"));
  EXPECT_EQ(pulled.code(), StatusCode::kInvalidArgument) << pulled;
  EXPECT_THAT(pulled.message(), HasSubstr("not a usable GGUF"));
  EXPECT_FALSE(store_->blobs().Contains(model));
  EXPECT_FALSE(Installed(Name("library/junk:latest")));
}

TEST_F(ModelPullerTest, UnknownModelIsNotFound) {
  const Status pulled = Pull(Name("library/nothing:latest"));
  EXPECT_EQ(pulled.code(), StatusCode::kNotFound) << pulled;
  EXPECT_THAT(pulled.message(), HasSubstr(registry_->host()));
  ExpectNoBlobs();
}

TEST_F(ModelPullerTest, HuggingFaceNamesUseTheHfEndpoint) {
  Publish("bartowski/Tiny-GGUF", "Q4_K_M", gguf_, "t");
  PullOptions options = Options();
  options.insecure = false;  // a configured endpoint may be http regardless
  options.hf_endpoint = registry_->base_url();
  const Status pulled = Pull("hf.co/bartowski/Tiny-GGUF:Q4_K_M", options);
  ASSERT_TRUE(pulled.ok()) << pulled;
  EXPECT_TRUE(Installed("hf.co/bartowski/Tiny-GGUF:Q4_K_M"));
}

TEST_F(ModelPullerTest, ACancelledPullStopsWithCancelled) {
  std::stop_source stop;
  stop.request_stop();
  ModelPuller puller(*store_, Options());
  const Status pulled = puller.Pull(Name(), {}, stop.get_token());
  EXPECT_EQ(pulled.code(), StatusCode::kCancelled) << pulled;
  EXPECT_FALSE(Installed(Name()));
}

TEST(ManifestUrlTest, MapsNamesToRegistries) {
  const PullOptions defaults;
  auto url = [&](std::string_view name, const PullOptions& options) {
    return ManifestUrl(ParseModelName(name).value(), options).value_or("error");
  };
  EXPECT_EQ(url("llama3.2", defaults),
            "https://registry.ollama.ai/v2/library/llama3.2/manifests/latest");
  EXPECT_EQ(url("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", defaults),
            "https://hf.co/v2/bartowski/Llama-3.2-1B-Instruct-GGUF/manifests/Q4_K_M");
  EXPECT_EQ(url("example.com:5000/team/foo:v1", defaults),
            "https://example.com:5000/v2/team/foo/manifests/v1");
  PullOptions insecure;
  insecure.insecure = true;
  EXPECT_EQ(url("example.com:5000/team/foo:v1", insecure),
            "http://example.com:5000/v2/team/foo/manifests/v1");
  PullOptions mirror;
  mirror.registry_url = "http://mirror.local/";
  EXPECT_EQ(url("myns/foo", mirror), "http://mirror.local/v2/myns/foo/manifests/latest");
  PullOptions ftp;
  ftp.registry_url = "ftp://x";
  EXPECT_EQ(ManifestUrl(ParseModelName("foo").value(), ftp).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
