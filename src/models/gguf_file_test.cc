// The GGUF reader on valid input: images made by the test's own writer, the
// shared TinyStories model, and fixture models from hearth-fixture.
#include "models/gguf_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "models/gguf_test_builder.h"
#include "models/quiet_llama_log.h"
#include "tests/fixtures/fixture_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::hearth::testing::GgufTestBuilder;
using ::hearth::testing::GgufTestImage;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A scratch folder removed with its content at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("hearth-gguf-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::filesystem::path Write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return file;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(GgufFileTest, ParsesAnEmptyFile) {
  GgufTestImage image = GgufTestBuilder().Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->version, 3u);
  EXPECT_EQ(summary->tensor_count, 0u);
  EXPECT_TRUE(summary->metadata.empty());
  EXPECT_EQ(summary->alignment, 32u);
  EXPECT_EQ(summary->parameter_count, 0u);
  EXPECT_EQ(summary->architecture(), "");
}

TEST(GgufFileTest, AcceptsVersionTwo) {
  GgufTestImage image = GgufTestBuilder().Version(2).AddTensor("w", {8}).Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->version, 2u);
}

TEST(GgufFileTest, ReadsEveryValueType) {
  std::vector<uint8_t> i64;
  testing::AppendU64(i64, static_cast<uint64_t>(int64_t{-5}));
  GgufTestImage image = GgufTestBuilder()
                            .AddRaw("u8", 0, {200})
                            .AddRaw("i8", 1, {0xfe})
                            .AddRaw("u16", 2, {0x34, 0x12})
                            .AddRaw("i16", 3, {0xff, 0xff})
                            .AddU32("u32", 4'000'000'000u)
                            .AddRaw("i32", 5, {0xfd, 0xff, 0xff, 0xff})
                            .AddF32("f32", 1.5f)
                            .AddBool("bool", true)
                            .AddString("string", "héllo")
                            .AddU64("u64", uint64_t{1} << 40)
                            .AddRaw("i64", 11, i64)
                            .AddRaw("f64", 12, {0, 0, 0, 0, 0, 0, 0xf0, 0x3f})
                            .Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->metadata.size(), 12u);
  EXPECT_EQ(*summary->Find("u8")->As<uint8_t>(), 200);
  EXPECT_EQ(*summary->Find("i8")->As<int8_t>(), -2);
  EXPECT_EQ(*summary->Find("u16")->As<uint16_t>(), 0x1234);
  EXPECT_EQ(*summary->Find("i16")->As<int16_t>(), -1);
  EXPECT_EQ(summary->GetUint("u32"), 4'000'000'000u);
  EXPECT_EQ(summary->Find("i32")->AsInt(), -3);
  EXPECT_EQ(summary->Find("i32")->AsUint(), std::nullopt);
  EXPECT_EQ(summary->Find("f32")->AsDouble(), 1.5);
  EXPECT_EQ(*summary->Find("bool")->As<bool>(), true);
  EXPECT_EQ(summary->Find("bool")->AsUint(), std::nullopt);
  EXPECT_EQ(summary->GetString("string"), "héllo");
  EXPECT_EQ(summary->GetUint("u64"), uint64_t{1} << 40);
  EXPECT_EQ(summary->Find("i64")->AsInt(), -5);
  EXPECT_EQ(summary->Find("f64")->AsDouble(), 1.0);
  EXPECT_EQ(summary->Find("f64")->type(), GgufValueType::kFloat64);
  EXPECT_EQ(summary->GetString("u32"), std::nullopt);
  EXPECT_EQ(summary->Find("absent"), nullptr);
}

TEST(GgufFileTest, KeepsSmallArraysAndCountsLargeOnes) {
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 1000; ++i) vocabulary.push_back("token" + std::to_string(i));
  GgufTestImage image = GgufTestBuilder()
                            .AddStringArray("tokenizer.ggml.tokens", vocabulary)
                            .AddI32Array("small", {1, -2, 3})
                            .AddI32Array("empty", {})
                            .Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  const GgufArray* tokens = summary->Find("tokenizer.ggml.tokens")->AsArray();
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->element_type, GgufValueType::kString);
  EXPECT_EQ(tokens->count, 1000u);
  EXPECT_FALSE(tokens->values_kept());
  EXPECT_TRUE(tokens->values.empty());
  const GgufArray* small = summary->Find("small")->AsArray();
  ASSERT_NE(small, nullptr);
  ASSERT_TRUE(small->values_kept());
  EXPECT_EQ(small->values[1].AsInt(), -2);
  EXPECT_TRUE(summary->Find("empty")->AsArray()->values_kept());
}

TEST(GgufFileTest, KeptArraysFollowTheLimit) {
  GgufTestImage image = GgufTestBuilder().AddStringArray("a", {"x", "y", "z"}).Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes, {.max_kept_array_elements = 2});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_FALSE(summary->Find("a")->AsArray()->values_kept());
  summary = ParseGguf(image.bytes, {.max_kept_array_elements = 3});
  ASSERT_TRUE(summary.ok()) << summary.status();
  const GgufArray* array = summary->Find("a")->AsArray();
  ASSERT_TRUE(array->values_kept());
  EXPECT_EQ(*array->values[2].AsString(), "z");
}

TEST(GgufFileTest, ReadsArraysOfArraysOneLevelDeep) {
  std::vector<uint8_t> value;
  testing::AppendU32(value, 9);  // array of arrays
  testing::AppendU64(value, 2);
  testing::AppendU32(value, 8);  // ["a", "bc"]
  testing::AppendU64(value, 2);
  testing::AppendGgufString(value, "a");
  testing::AppendGgufString(value, "bc");
  testing::AppendU32(value, 4);  // [7]
  testing::AppendU64(value, 1);
  testing::AppendU32(value, 7);
  GgufTestImage image = GgufTestBuilder().AddRaw("nested", 9, value).AddU32("after", 1).Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  const GgufArray* nested = summary->Find("nested")->AsArray();
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->element_type, GgufValueType::kArray);
  EXPECT_EQ(nested->count, 2u);
  EXPECT_EQ(summary->GetUint("after"), 1u);
}

TEST(GgufFileTest, DescribesTensors) {
  GgufTestImage image = GgufTestBuilder()
                            .AddString("general.architecture", "llama")
                            .AddTensor("norm", {4, 3})
                            .AddTensor("q8", {64, 2}, /*q8_0*/ 8)
                            .AddTensor("q4k", {256, 1, 1, 2}, /*q4_K*/ 12)
                            .Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(summary->tensor_count, 3u);
  ASSERT_EQ(summary->tensors.size(), 3u);
  const GgufTensorInfo& norm = summary->tensors[0];
  EXPECT_EQ(norm.name, "norm");
  EXPECT_THAT(norm.dims, ElementsAre(4u, 3u));
  EXPECT_EQ(norm.type, 0u);
  EXPECT_EQ(norm.offset, 0u);
  EXPECT_EQ(norm.size_bytes, 48u);
  EXPECT_EQ(summary->tensors[1].offset, 64u);
  EXPECT_EQ(summary->tensors[1].size_bytes, 4u * 34u);  // 2 rows of 2 blocks
  EXPECT_EQ(summary->tensors[2].offset, 224u);
  EXPECT_EQ(summary->tensors[2].size_bytes, 2u * 144u);
  EXPECT_EQ(summary->tensors[2].element_count(), 512u);
  EXPECT_EQ(summary->parameter_count, 12u + 128u + 512u);
  EXPECT_EQ(summary->tensor_bytes, 48u + 136u + 288u);
  EXPECT_EQ(summary->data_offset, image.data_offset);
  EXPECT_EQ(summary->data_offset % 32, 0u);
  EXPECT_EQ(summary->file_size, image.bytes.size());
}

TEST(GgufFileTest, HonoursACustomAlignment) {
  GgufTestImage image =
      GgufTestBuilder().Alignment(256).AddTensor("a", {3}).AddTensor("b", {5}).Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->alignment, 256u);
  EXPECT_EQ(summary->data_offset % 256, 0u);
  EXPECT_EQ(summary->tensors[1].offset, 256u);
}

TEST(GgufFileTest, AnswersTheQuestionsHearthShowAsks) {
  GgufTestImage image = GgufTestBuilder()
                            .AddString("general.architecture", "llama")
                            .AddString("general.name", "Tiny")
                            .AddString("general.license", "MIT")
                            .AddU32("general.file_type", 15)
                            .AddU32("llama.context_length", 4096)
                            .AddU32("llama.embedding_length", 2048)
                            .AddU32("llama.block_count", 16)
                            .AddU32("llama.attention.head_count", 32)
                            .AddU32("llama.attention.head_count_kv", 8)
                            .AddString("tokenizer.chat_template", "{{ messages }}")
                            .Build();
  StatusOr<GgufSummary> summary = ParseGguf(image.bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->architecture(), "llama");
  EXPECT_EQ(summary->name(), "Tiny");
  EXPECT_EQ(summary->license(), "MIT");
  EXPECT_EQ(summary->file_type(), 15u);
  EXPECT_EQ(LlamaFileTypeName(15), "Q4_K_M");
  EXPECT_EQ(summary->GetArchUint("context_length"), 4096u);
  EXPECT_EQ(summary->GetArchUint("embedding_length"), 2048u);
  EXPECT_EQ(summary->GetArchUint("block_count"), 16u);
  EXPECT_EQ(summary->GetArchUint("attention.head_count"), 32u);
  EXPECT_EQ(summary->GetArchUint("attention.head_count_kv"), 8u);
  EXPECT_EQ(summary->GetArchUint("rope.freq_base"), std::nullopt);
  EXPECT_EQ(summary->chat_template(), "{{ messages }}");
}

TEST(GgufFileTest, ReadsAFileAsItReadsMemory) {
  ScratchDir dir;
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 200'000; ++i) vocabulary.push_back("t" + std::to_string(i));
  const std::string chat_template(600'000, 'x');  // larger than the read buffer
  GgufTestImage image = GgufTestBuilder()
                            .AddString("general.architecture", "llama")
                            .AddStringArray("tokenizer.ggml.tokens", vocabulary)
                            .AddString("tokenizer.chat_template", chat_template)
                            .AddTensor("w", {16, 16})
                            .Build();
  StatusOr<GgufSummary> from_memory = ParseGguf(image.bytes);
  ASSERT_TRUE(from_memory.ok()) << from_memory.status();
  StatusOr<GgufSummary> from_file = ReadGgufFile(dir.Write("model.gguf", image.bytes));
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(from_file->chat_template(), chat_template);
  EXPECT_EQ(from_file->Find("tokenizer.ggml.tokens")->AsArray()->count, 200'000u);
  EXPECT_EQ(from_file->data_offset, from_memory->data_offset);
  EXPECT_EQ(from_file->tensors[0].size_bytes, 1024u);
  EXPECT_EQ(from_file->file_size, image.bytes.size());
}

TEST(GgufFileTest, ReportsFilesThatCannotBeRead) {
  ScratchDir dir;
  StatusOr<GgufSummary> missing = ReadGgufFile(dir.path() / "absent.gguf");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("absent.gguf"));
  StatusOr<GgufSummary> folder = ReadGgufFile(dir.path());
  EXPECT_EQ(folder.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(folder.status().message(), HasSubstr("is not a regular file"));
}

TEST(GgufFileTest, ReadsTheSharedTinyStoriesModel) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  StatusOr<GgufSummary> summary = ReadGgufFile(path);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->architecture(), "llama");
  EXPECT_EQ(summary->parameter_count, 292'800u);
  EXPECT_EQ(summary->file_size, std::filesystem::file_size(path));
  ASSERT_FALSE(summary->tensors.empty());
  for (const GgufTensorInfo& tensor : summary->tensors) {
    EXPECT_EQ(tensor.type, 0u) << tensor.name << " is not F32";
  }
  EXPECT_EQ(summary->GetArchUint("embedding_length"), 64u);
  EXPECT_GT(summary->Find("tokenizer.ggml.tokens")->AsArray()->count, 0u);
}

// The tiny fixture decoder's tensors: token embeddings, 9 per layer, the
// output norm (the output head is tied to the embeddings).
struct DecoderCounts {
  uint64_t tensors;
  uint64_t parameters;
};

DecoderCounts TinyDecoderCounts(const fixture::Spec& spec, uint64_t vocabulary) {
  const fixture::ModelShape& s = spec.shape;
  const uint64_t embd = s.n_embd, ff = s.n_ff, kv = embd / s.n_head * s.n_head_kv;
  const uint64_t layer = 2 * embd + 2 * embd * embd + 2 * embd * kv + 3 * embd * ff;
  return {1 + 9 * uint64_t{s.n_layer} + 1, embd * vocabulary + s.n_layer * layer + embd};
}

class GgufFixtureTest : public ::testing::TestWithParam<fixture::WeightType> {};

TEST_P(GgufFixtureTest, ReadsAFixtureDecoder) {
  ScratchDir dir;
  StatusOr<fixture::Spec> spec = fixture::PresetSpec(fixture::FixtureKind::kDecoder, "tiny");
  ASSERT_TRUE(spec.ok()) << spec.status();
  spec->type = GetParam();
  const std::filesystem::path path = dir.path() / "tiny.gguf";
  {
    testing::ScopedQuietLlamaLog quiet;
    Status built = fixture::BuildFixture(*spec, path);
    ASSERT_TRUE(built.ok()) << built;
  }
  StatusOr<GgufSummary> summary = ReadGgufFile(path);
  ASSERT_TRUE(summary.ok()) << summary.status();
  const uint64_t vocabulary = summary->Find("tokenizer.ggml.tokens")->AsArray()->count;
  const DecoderCounts expected = TinyDecoderCounts(*spec, vocabulary);
  EXPECT_EQ(summary->tensor_count, expected.tensors);
  EXPECT_EQ(summary->parameter_count, expected.parameters);
  EXPECT_EQ(summary->architecture(), "llama");
  EXPECT_EQ(summary->GetArchUint("block_count"), spec->shape.n_layer);
  EXPECT_EQ(summary->GetArchUint("attention.head_count_kv"), spec->shape.n_head_kv);
  ASSERT_TRUE(summary->chat_template().has_value());
  EXPECT_THAT(std::string(*summary->chat_template()), HasSubstr("start_header_id"));
  EXPECT_LE(summary->data_offset + summary->tensor_bytes, summary->file_size);
}

INSTANTIATE_TEST_SUITE_P(Gguf, GgufFixtureTest,
                         ::testing::Values(fixture::WeightType::kF32, fixture::WeightType::kF16,
                                           fixture::WeightType::kQ8_0),
                         [](const ::testing::TestParamInfo<fixture::WeightType>& param) {
                           return std::string(fixture::WeightTypeName(param.param));
                         });

}  // namespace
}  // namespace hearth
