// hearth's GGUF reader and llama.cpp's own (gguf.h) read real files alike:
// the shared TinyStories model, fixture models, and the vocabulary files in
// llama.cpp's tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "gguf.h"
#include "models/gguf_file.h"
#include "models/quiet_llama_log.h"
#include "tests/fixtures/fixture_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

struct GgufContextDeleter {
  void operator()(gguf_context* context) const { gguf_free(context); }
};
using GgufContextPtr = std::unique_ptr<gguf_context, GgufContextDeleter>;

GgufContextPtr LlamaRead(const std::filesystem::path& path) {
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
  return GgufContextPtr(gguf_init_from_file(path.c_str(), params));
}

void ExpectAgreement(const std::filesystem::path& path) {
  SCOPED_TRACE(path.string());
  testing::ScopedQuietLlamaLog quiet;
  GgufContextPtr theirs = LlamaRead(path);
  ASSERT_NE(theirs, nullptr);
  StatusOr<GgufSummary> ours = ReadGgufFile(path);
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_EQ(ours->version, gguf_get_version(theirs.get()));
  EXPECT_EQ(ours->alignment, gguf_get_alignment(theirs.get()));
  ASSERT_EQ(ours->metadata.size(), static_cast<size_t>(gguf_get_n_kv(theirs.get())));
  for (int64_t i = 0; i < gguf_get_n_kv(theirs.get()); ++i) {
    const GgufValue* value = ours->Find(gguf_get_key(theirs.get(), i));
    ASSERT_NE(value, nullptr) << gguf_get_key(theirs.get(), i);
    EXPECT_EQ(static_cast<int>(value->type()), static_cast<int>(gguf_get_kv_type(theirs.get(), i)));
    if (const GgufArray* array = value->AsArray()) {
      EXPECT_EQ(array->count, gguf_get_arr_n(theirs.get(), i));
    }
  }
  ASSERT_EQ(ours->tensors.size(), static_cast<size_t>(gguf_get_n_tensors(theirs.get())));
  if (!ours->tensors.empty()) {
    EXPECT_EQ(ours->data_offset, gguf_get_data_offset(theirs.get()));
  }
  for (size_t i = 0; i < ours->tensors.size(); ++i) {
    const GgufTensorInfo& tensor = ours->tensors[i];
    const auto id = static_cast<int64_t>(i);
    EXPECT_EQ(tensor.name, gguf_get_tensor_name(theirs.get(), id));
    EXPECT_EQ(tensor.type, static_cast<uint32_t>(gguf_get_tensor_type(theirs.get(), id)));
    EXPECT_EQ(tensor.offset, gguf_get_tensor_offset(theirs.get(), id));
    EXPECT_EQ(tensor.size_bytes, gguf_get_tensor_size(theirs.get(), id)) << tensor.name;
  }
}

TEST(GgufLlamaAgreementTest, TinyStories) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  ExpectAgreement(path);
}

TEST(GgufLlamaAgreementTest, VocabularyFiles) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fixture::DefaultVocabDir())) {
    if (entry.path().extension() != ".gguf") continue;
    ExpectAgreement(entry.path());
    ++files;
  }
  EXPECT_GT(files, 5);
}

TEST(GgufLlamaAgreementTest, FixtureModels) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("hearth-gguf-agree-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::pair<fixture::FixtureKind, fixture::WeightType> kinds[] = {
      {fixture::FixtureKind::kDecoder, fixture::WeightType::kQ4_K_M},
      {fixture::FixtureKind::kEmbedder, fixture::WeightType::kF16},
      {fixture::FixtureKind::kReranker, fixture::WeightType::kQ8_0},
  };
  testing::ScopedQuietLlamaLog quiet;
  for (const auto& [kind, type] : kinds) {
    StatusOr<fixture::Spec> spec = fixture::PresetSpec(kind, "tiny");
    ASSERT_TRUE(spec.ok()) << spec.status();
    spec->type = type;
    const std::filesystem::path path = dir / (std::string(fixture::KindName(kind)) + "-" +
                                              std::string(fixture::WeightTypeName(type)) + ".gguf");
    Status built = fixture::BuildFixture(*spec, path);
    ASSERT_TRUE(built.ok()) << built;
    ExpectAgreement(path);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hearth
