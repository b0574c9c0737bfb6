#include "models/model_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "models/gguf_file.h"
#include "models/gguf_test_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::hearth::testing::GgufTestBuilder;
using ::hearth::testing::GgufTestImage;
using ::hearth::testing::PatchU64;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

ModelName Name(std::string_view text) { return ParseModelName(text).value(); }

GgufTestImage TinyModel(std::string_view architecture = "llama") {
  return GgufTestBuilder()
      .AddString("general.architecture", architecture)
      .AddU32("general.file_type", 7)
      .AddU32(std::string(architecture) + ".context_length", 128)
      .AddString("tokenizer.chat_template", "{{ messages }}")
      .AddTensor("token_embd.weight", {64, 4}, /*q8_0*/ 8)
      .AddTensor("output_norm.weight", {64})
      .Build();
}

// Builds a CreateSpec one field at a time.
class Spec {
 public:
  Spec& File(const fs::path& path) { return Set(spec_.from_file, path); }
  Spec& Model(std::string_view name) { return Set(spec_.from_model, Name(name)); }
  Spec& Template(std::string text) { return Set(spec_.template_text, std::move(text)); }
  Spec& System(std::string text) { return Set(spec_.system, std::move(text)); }
  Spec& Param(const std::string& name, std::vector<std::string> values) {
    spec_.parameters[name] = std::move(values);
    return *this;
  }
  operator CreateSpec() const { return spec_; }  // NOLINT: a builder converts implicitly

 private:
  template <typename T, typename V>
  Spec& Set(std::optional<T>& field, V value) {
    field = std::move(value);
    return *this;
  }
  CreateSpec spec_;
};

// Every file and directory below `root` with its size: equal snapshots mean
// nothing was added, removed or rewritten with another length.
std::map<std::string, uintmax_t> Snapshot(const fs::path& root) {
  std::map<std::string, uintmax_t> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    const std::string relative = fs::relative(entry.path(), root).string();
    files[relative] = entry.is_regular_file() ? entry.file_size() : 0;
  }
  return files;
}

size_t BlobCount(const fs::path& root) {
  size_t count = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(root / "blobs")) {
    if (entry.path().filename().string().starts_with("sha256-")) ++count;
  }
  return count;
}

class ModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("hearth-store-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
    store_ = ModelStore::Open({.root = dir_ / "models"}).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path WriteFile(std::string_view name, const std::vector<uint8_t>& bytes) {
    const fs::path path = dir_ / "in" / name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  ModelEntry CreateFromFile(std::string_view name, CreateSpec spec = CreateSpec{}) {
    spec.from_file = WriteFile("tiny.gguf", TinyModel().bytes);
    StatusOr<ModelEntry> entry = store_->Create(Name(name), spec);
    EXPECT_TRUE(entry.ok()) << entry.status();
    return *entry;
  }

  fs::path root() const { return dir_ / "models"; }

  fs::path dir_;
  std::unique_ptr<ModelStore> store_;
};

TEST_F(ModelStoreTest, ImportsAGgufFile) {
  ModelEntry entry = CreateFromFile("Tiny:Q8", Spec().System("be brief"));
  EXPECT_EQ(entry.name.DisplayName(), "Tiny:Q8");
  EXPECT_EQ(entry.details.family, "llama");
  EXPECT_EQ(entry.details.quantization_level, "Q8_0");
  EXPECT_EQ(entry.details.parameter_size, "320");
  EXPECT_TRUE(fs::exists(root() / "manifests/registry.ollama.ai/library/tiny/q8"));

  StatusOr<ResolvedModel> model = store_->Resolve(Name("tiny:q8"));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(fs::file_size(model->model_path), TinyModel().bytes.size());
  EXPECT_EQ(model->model_path.parent_path(), fs::canonical(root() / "blobs"));
  ASSERT_TRUE(model->gguf.has_value());
  EXPECT_EQ(model->gguf->GetArchUint("context_length"), 128u);
  EXPECT_EQ(model->system, "be brief");
  EXPECT_EQ(model->template_text, "{{ messages }}");  // from the GGUF
  EXPECT_EQ(model->entry.manifest_digest, entry.manifest_digest);
  EXPECT_EQ(model->entry.size, model->manifest.TotalSize());
  EXPECT_EQ(BlobCount(root()), 3u);  // model, system, config
}

TEST_F(ModelStoreTest, CreatingTheSameModelTwiceGivesTheSameDigest) {
  ModelEntry first = CreateFromFile("a", Spec().Param("temperature", {"0.5"}));
  ModelEntry second = CreateFromFile("b", Spec().Param("temperature", {"0.50"}));
  EXPECT_EQ(first.manifest_digest, second.manifest_digest);
  EXPECT_EQ(BlobCount(root()), 3u);  // model, params, config
}

TEST_F(ModelStoreTest, DerivingFromAModelSharesItsLayers) {
  CreateFromFile(
      "base", Spec().Template("T").System("S1").Param("stop", {"a"}).Param("temperature", {"0.5"}));
  CreateSpec spec = Spec().Model("base").System("S2").Param("temperature", {"0.9"});
  ASSERT_TRUE(store_->Create(Name("derived"), spec).ok());
  ResolvedModel base = store_->Resolve(Name("base")).value();
  ResolvedModel derived = store_->Resolve(Name("derived")).value();
  EXPECT_EQ(derived.model_digest, base.model_digest);
  EXPECT_EQ(derived.template_text, "T");
  EXPECT_EQ(derived.system, "S2");
  EXPECT_EQ(derived.parameters, (ModelParameters{{"stop", {"a"}}, {"temperature", {"0.9"}}}));
  EXPECT_EQ(derived.entry.details.family, "llama");
  // base: model, template, system, params, config; derived adds system, params, config.
  EXPECT_EQ(BlobCount(root()), 8u);
}

TEST_F(ModelStoreTest, AnEmptyOverrideRemovesTheLayer) {
  CreateFromFile("base", Spec().Template("T"));
  ASSERT_TRUE(store_->Create(Name("plain"), Spec().Model("base").Template("")).ok());
  ResolvedModel plain = store_->Resolve(Name("plain")).value();
  EXPECT_EQ(plain.manifest.FindLayer(kTemplateLayerType), nullptr);
  EXPECT_EQ(plain.template_text, "{{ messages }}");
}

TEST_F(ModelStoreTest, ReplacingAModelDropsTheBlobsOnlyItUsed) {
  CreateFromFile("m", Spec().System("old"));
  CreateFromFile("m", Spec().System("new"));
  EXPECT_EQ(store_->Resolve(Name("m")).value().system, "new");
  EXPECT_EQ(BlobCount(root()), 3u);
  EXPECT_EQ(store_->List().value().size(), 1u);
}

TEST_F(ModelStoreTest, ListsMostRecentlyModifiedFirst) {
  CreateFromFile("older");
  CreateFromFile("newer", Spec().System("x"));
  const fs::path older = root() / "manifests/registry.ollama.ai/library/older/latest";
  const fs::path newer = root() / "manifests/registry.ollama.ai/library/newer/latest";
  fs::last_write_time(older, fs::file_time_type::clock::now() - std::chrono::hours(2));
  fs::last_write_time(newer, fs::file_time_type::clock::now() - std::chrono::hours(1));
  std::vector<ModelEntry> entries = store_->List().value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name.DisplayName(), "newer:latest");
  EXPECT_EQ(entries[1].name.DisplayName(), "older:latest");
  EXPECT_EQ(entries[0].details.quantization_level, "Q8_0");
  fs::last_write_time(older, fs::file_time_type::clock::now());
  EXPECT_EQ(store_->List().value()[0].name.DisplayName(), "older:latest");
}

TEST_F(ModelStoreTest, ListSkipsManifestsWithMissingBlobsAndStrayFiles) {
  CreateFromFile("kept");
  CreateFromFile("broken", Spec().System("only mine"));
  const ResolvedModel broken = store_->Resolve(Name("broken")).value();
  fs::remove(root() / "blobs" / broken.manifest.FindLayer(kSystemLayerType)->digest.FileName());
  std::ofstream(root() / "manifests/registry.ollama.ai/library/kept/Bad Tag") << "{}";
  std::vector<ModelEntry> entries = store_->List().value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name.DisplayName(), "kept:latest");
  StatusOr<ResolvedModel> resolved = store_->Resolve(Name("broken"));
  EXPECT_EQ(resolved.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(resolved.status().message(), HasSubstr("is damaged"));
}

TEST_F(ModelStoreTest, ResolvingAMissingModelSaysHowToGetIt) {
  StatusOr<ResolvedModel> model = store_->Resolve(Name("nope"));
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(model.status().message(), HasSubstr("model 'nope:latest' is not installed"));
  EXPECT_THAT(model.status().message(), HasSubstr("hearth pull nope:latest"));
}

TEST_F(ModelStoreTest, ResolveRevalidatesTheGgufBlob) {
  CreateFromFile("m");
  const fs::path blob = store_->Resolve(Name("m")).value().model_path;
  {
    // The blob store never does this; a failing disk or a careless hand might.
    std::fstream file(blob, std::ios::in | std::ios::out | std::ios::binary);
    file.write("GGUF\xff\xff\xff\xff", 8);  // version 2^32-1, same size
  }
  StatusOr<ResolvedModel> model = store_->Resolve(Name("m"));
  EXPECT_FALSE(model.ok());
  EXPECT_THAT(model.status().message(), HasSubstr("model 'm:latest' is damaged"));
  EXPECT_THAT(model.status().message(), HasSubstr("version"));
  fs::resize_file(blob, 40);
  EXPECT_EQ(store_->Resolve(Name("m")).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(ModelStoreTest, RemoveCollectsOnlyUnsharedBlobs) {
  CreateFromFile("one", Spec().System("one's own"));
  CreateFromFile("two");
  const ResolvedModel one = store_->Resolve(Name("one")).value();
  ASSERT_TRUE(store_->Remove(Name("one")).ok());
  EXPECT_TRUE(store_->blobs().Contains(*one.model_digest));  // shared with two
  EXPECT_FALSE(store_->blobs().Contains(one.manifest.FindLayer(kSystemLayerType)->digest));
  EXPECT_FALSE(fs::exists(root() / "manifests/registry.ollama.ai/library/one"));
  EXPECT_TRUE(store_->Resolve(Name("two")).ok());
  ASSERT_TRUE(store_->Remove(Name("two")).ok());
  EXPECT_EQ(BlobCount(root()), 0u);
  EXPECT_TRUE(fs::is_empty(root() / "manifests"));
  EXPECT_EQ(store_->Remove(Name("two")).code(), StatusCode::kNotFound);
}

TEST_F(ModelStoreTest, CopyNamesTheSameManifest) {
  ModelEntry original = CreateFromFile("orig");
  ASSERT_TRUE(store_->Copy(Name("orig"), Name("me/copy:v1")).ok());
  std::vector<ModelEntry> entries = store_->List().value();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].manifest_digest, entries[1].manifest_digest);
  ASSERT_TRUE(store_->Remove(Name("orig")).ok());
  StatusOr<ResolvedModel> copy = store_->Resolve(Name("me/copy:v1"));
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(copy->entry.manifest_digest, original.manifest_digest);
  EXPECT_EQ(store_->Copy(Name("orig"), Name("x")).code(), StatusCode::kNotFound);
}

TEST_F(ModelStoreTest, PutManifestRequiresEveryBlobWithItsSize) {
  CreateFromFile("src");
  const ResolvedModel source = store_->Resolve(Name("src")).value();
  ModelManifest manifest = source.manifest;
  EXPECT_TRUE(store_->PutManifest(Name("pulled"), SerializeManifest(manifest)).ok());
  EXPECT_TRUE(store_->Resolve(Name("pulled")).ok());

  ModelManifest wrong_size = manifest;
  wrong_size.layers[0].size += 1;
  Status status = store_->PutManifest(Name("bad"), SerializeManifest(wrong_size));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("but the manifest says"));

  ModelManifest missing = manifest;
  missing.layers.push_back({std::string(kSystemLayerType), Sha256Of("absent"), 6});
  status = store_->PutManifest(Name("bad"), SerializeManifest(missing));
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("pull its blobs before the manifest"));

  EXPECT_EQ(store_->PutManifest(Name("bad"), "{").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Resolve(Name("bad")).status().code(), StatusCode::kNotFound);
}

TEST_F(ModelStoreTest, PutManifestValidatesTheGgufLayer) {
  std::unique_ptr<BlobWriter> writer = store_->blobs().NewWriter().value();
  const std::string junk = "not a model at all";
  ASSERT_TRUE(writer->Append({reinterpret_cast<const uint8_t*>(junk.data()), junk.size()}).ok());
  const Digest digest = writer->Commit().value();
  ModelManifest manifest{.config = {std::string(kConfigMediaType), digest, junk.size()},
                         .layers = {{std::string(kModelLayerType), digest, junk.size()}}};
  Status status = store_->PutManifest(Name("junk"), SerializeManifest(manifest));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("not a valid GGUF file"));
}

TEST_F(ModelStoreTest, HostileGgufFilesAreRefusedAndTheStoreIsUnchanged) {
  CreateFromFile("existing");
  GgufTestImage image = TinyModel();
  std::vector<uint8_t> truncated(image.bytes.begin(), image.bytes.end() - 100);
  std::vector<uint8_t> tensor_count = image.bytes;
  PatchU64(tensor_count, 8, 2 | (uint64_t{1} << 40));  // bit 40 of the count flipped
  std::vector<uint8_t> string_length = image.bytes;
  PatchU64(string_length, image.metadata_positions[0], uint64_t{1} << 60);
  std::vector<uint8_t> not_gguf = {'P', 'K', 3, 4, 0, 0, 0, 0};
  const std::map<std::string, uintmax_t> before = Snapshot(root());
  for (const auto& [name, bytes] :
       {std::pair{"truncated.gguf", truncated}, std::pair{"count.gguf", tensor_count},
        std::pair{"length.gguf", string_length}, std::pair{"zip.gguf", not_gguf}}) {
    const fs::path file = WriteFile(name, bytes);
    const Status expected = ReadGgufFile(file).status();
    ASSERT_FALSE(expected.ok()) << name;
    StatusOr<ModelEntry> entry = store_->Create(Name("hostile"), Spec().File(file));
    EXPECT_EQ(entry.status(), expected) << name;
    EXPECT_THAT(entry.status().message(), HasSubstr(name)) << "the message names the file";
    EXPECT_EQ(Snapshot(root()), before) << name;
  }
  EXPECT_EQ(store_->List().value().size(), 1u);
}

TEST_F(ModelStoreTest, BadSpecsAreRefusedBeforeAnythingIsStored) {
  const std::map<std::string, uintmax_t> before = Snapshot(root());
  const fs::path file = WriteFile("tiny.gguf", TinyModel().bytes);
  EXPECT_THAT(store_->Create(Name("x"), CreateSpec{}).status().message(), HasSubstr("exactly one"));
  EXPECT_THAT(store_->Create(Name("x"), Spec().File(file).Model("y")).status().message(),
              HasSubstr("2 were given"));
  StatusOr<ModelEntry> bad_param =
      store_->Create(Name("x"), Spec().File(file).Param("top_p", {"7"}));
  EXPECT_EQ(bad_param.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_param.status().message(), HasSubstr("top_p"));
  EXPECT_EQ(store_->Create(Name("x"), Spec().File(dir_ / "in/absent.gguf")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->Create(Name("x"), Spec().Model("absent")).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(Snapshot(root()), before);
}

TEST_F(ModelStoreTest, RemoteModelsKeepTheirProvider) {
  CreateSpec spec = Spec().System("remote system");
  spec.remote = RemoteModel{.api = "openai",
                            .base_url = "https://example.com/v1",
                            .model = "gpt-x",
                            .api_key_env = "EXAMPLE_KEY"};
  ASSERT_TRUE(store_->Create(Name("far"), spec).ok());
  ResolvedModel model = store_->Resolve(Name("far")).value();
  ASSERT_TRUE(model.remote.has_value());
  EXPECT_EQ(model.remote->base_url, "https://example.com/v1");
  EXPECT_EQ(model.remote->api_key_env, "EXAMPLE_KEY");
  EXPECT_TRUE(model.model_path.empty());
  EXPECT_FALSE(model.gguf.has_value());
  EXPECT_EQ(model.system, "remote system");
  EXPECT_EQ(model.entry.details.format, "remote");
  CreateSpec bad;
  bad.remote = RemoteModel{.api = "grpc", .base_url = "x", .model = "m", .api_key_env = ""};
  EXPECT_THAT(store_->Create(Name("bad"), bad).status().message(), HasSubstr("api 'grpc'"));
}

TEST_F(ModelStoreTest, NamesAreCaseInsensitive) {
  CreateFromFile("MyModel:Latest");
  EXPECT_TRUE(store_->Resolve(Name("mymodel")).ok());
  std::vector<ModelEntry> entries = store_->List().value();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(std::vector<std::string>{entries[0].name.DisplayName()},
              ElementsAre("mymodel:latest"));
}

TEST_F(ModelStoreTest, ImportsStories260K) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  StatusOr<ModelEntry> entry = store_->Create(Name("stories"), Spec().File(path));
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->details.family, "llama");
  EXPECT_EQ(entry->details.parameter_size, "293K");
  EXPECT_EQ(entry->details.quantization_level, "F32");
  EXPECT_GT(entry->size, fs::file_size(path));
}

}  // namespace
}  // namespace hearth
