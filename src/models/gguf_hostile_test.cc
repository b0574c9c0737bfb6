// The GGUF reader refuses truncated, corrupted and hostile files with the
// right code and a message naming the problem, and never crashes on them
// (this binary also runs under ASan and UBSan in the debug preset).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "models/gguf_errors.h"
#include "models/gguf_file.h"
#include "models/gguf_test_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::hearth::internal::FormatCount;
using ::hearth::testing::GgufTestBuilder;
using ::hearth::testing::GgufTestImage;
using ::hearth::testing::PatchU32;
using ::hearth::testing::PatchU64;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kName[] = "model.gguf";

Status Parse(std::span<const uint8_t> bytes, const GgufLimits& limits = {}) {
  return ParseGguf(bytes, limits, kName).status();
}

// A small image with metadata of several kinds and two tensors.
GgufTestImage SampleImage() {
  return GgufTestBuilder()
      .AddString("general.architecture", "llama")
      .AddStringArray("tokenizer.ggml.tokens", {"<s>", "a", "bc"})
      .AddU32("llama.context_length", 128)
      .AddI32Array("tokenizer.ggml.token_type", {1, 1, 1})
      .AddTensor("token_embd.weight", {4, 3})
      .AddTensor("blk.0.attn_q.weight", {32, 2}, /*q8_0*/ 8)
      .Build();
}

// Where the fields of tensor description `tensor`, whose name is
// `name_length` bytes long, are.
size_t DimsCountPosition(const GgufTestImage& image, size_t tensor, size_t name_length) {
  return image.tensor_positions[tensor] + 8 + name_length;
}
size_t DimPosition(const GgufTestImage& image, size_t tensor, size_t name_length, size_t d) {
  return DimsCountPosition(image, tensor, name_length) + 4 + 8 * d;
}

// Expects `status` to be an error of `code` whose message names the file
// and contains `text`.
void ExpectRefused(const Status& status, StatusCode code, const std::string& text) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_THAT(status.message(), AllOf(StartsWith(std::string(kName) + " is"), HasSubstr(text)));
}

void ExpectMalformed(const Status& status, const std::string& text) {
  ExpectRefused(status, StatusCode::kInvalidArgument, text);
  EXPECT_THAT(status.message(), StartsWith(std::string(kName) + " is not a valid GGUF file: "));
}

// A summary that the reader accepted must be consistent with the bytes.
void ExpectConsistent(const GgufSummary& summary, size_t file_size) {
  EXPECT_EQ(summary.tensors.size(), summary.tensor_count);
  EXPECT_EQ(summary.data_offset % summary.alignment, 0u);
  for (const GgufTensorInfo& tensor : summary.tensors) {
    EXPECT_LE(summary.data_offset + tensor.offset + tensor.size_bytes, file_size) << tensor.name;
  }
}

TEST(GgufHostileTest, EveryTruncationIsRefused) {
  const GgufTestImage image = SampleImage();
  const std::span<const uint8_t> bytes(image.bytes);
  ASSERT_TRUE(Parse(bytes).ok()) << Parse(bytes);
  for (size_t length = 0; length < bytes.size(); ++length) {
    SCOPED_TRACE("cut at " + std::to_string(length));
    const Status status = Parse(bytes.first(length));
    if (length < image.tensor_infos_end) {
      ExpectMalformed(status, "truncated at byte " + FormatCount(length) + " while reading ");
    } else {
      ExpectMalformed(status, "but the file has " + FormatCount(length) + " bytes");
    }
  }
}

TEST(GgufHostileTest, TruncationsNameWhatWasBeingRead) {
  const GgufTestImage image = SampleImage();
  const std::span<const uint8_t> bytes(image.bytes);
  ExpectMalformed(Parse(bytes.first(2)), "truncated at byte 2 while reading the magic number");
  ExpectMalformed(Parse(bytes.first(10)), "while reading the tensor count");
  ExpectMalformed(Parse(bytes.first(image.metadata_positions[1] + 3)),
                  "while reading the length of the key of metadata entry 1");
  ExpectMalformed(Parse(bytes.first(image.metadata_positions[2] - 2)),
                  "while reading element 2 of array 'tokenizer.ggml.tokens' (2 bytes from byte");
  ExpectMalformed(Parse(bytes.first(image.tensor_positions[1] + 35)),
                  "while reading dimension 0 of tensor 'blk.0.attn_q.weight'");
  ExpectMalformed(Parse(bytes.first(image.tensor_infos_end - 1)),
                  "while reading the data offset of tensor 'blk.0.attn_q.weight'");
  ExpectMalformed(Parse(bytes.first(bytes.size() - 1)),
                  "tensor 'blk.0.attn_q.weight' ends at byte " + FormatCount(bytes.size()) +
                      " but the file has " + FormatCount(bytes.size() - 1) +
                      " bytes (truncated download?)");
}

TEST(GgufHostileTest, TruncatedFilesAreRefusedFromDisk) {
  const GgufTestImage image = SampleImage();
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / ("hearth-gguf-cut-" + std::to_string(getpid()));
  for (size_t length : {size_t{0}, size_t{7}, image.metadata_positions[3], image.tensor_infos_end,
                        image.bytes.size() - 1}) {
    SCOPED_TRACE("cut at " + std::to_string(length));
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(image.bytes.data()),
                static_cast<std::streamsize>(length));
    }
    const Status status = ReadGgufFile(path).status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(status.message(), AllOf(StartsWith(path.string() + " is not a valid GGUF file: "),
                                        HasSubstr(FormatCount(length))));
  }
  std::filesystem::remove(path);
}

std::vector<uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(GgufHostileTest, EveryTruncationOfARealModelIsRefused) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  const std::vector<uint8_t> whole = ReadAll(path);
  StatusOr<GgufSummary> summary = ParseGguf(whole);
  ASSERT_TRUE(summary.ok()) << summary.status();
  const std::span<const uint8_t> bytes(whole);
  // Every cut in the header region, then one in 997 through the tensor data.
  for (size_t length = 0; length < whole.size();
       length += length < summary->data_offset ? 1 : 997) {
    const Status status = Parse(bytes.first(length));
    ASSERT_EQ(status.code(), StatusCode::kInvalidArgument) << "cut at " << length << ": " << status;
    ASSERT_THAT(status.message(), HasSubstr(FormatCount(length))) << "cut at " << length;
  }
}

TEST(GgufHostileTest, ACutInsideTensorDataNamesTheTensor) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  std::vector<uint8_t> bytes = ReadAll(path);
  StatusOr<GgufSummary> summary = ParseGguf(bytes);
  ASSERT_TRUE(summary.ok()) << summary.status();
  const GgufTensorInfo* last = &summary->tensors[0];
  for (const GgufTensorInfo& tensor : summary->tensors) {
    if (tensor.offset > last->offset) last = &tensor;
  }
  const uint64_t end = summary->data_offset + last->offset + last->size_bytes;
  bytes.resize(static_cast<size_t>(end - 100));
  ExpectMalformed(Parse(bytes), "tensor '" + last->name + "' ends at byte " + FormatCount(end) +
                                    " but the file has " + FormatCount(end - 100) +
                                    " bytes (truncated download?)");
}

TEST(GgufHostileTest, BitFlipsInTheHeaderAreRefusedOrHarmless) {
  const GgufTestImage image = SampleImage();
  int refused = 0, accepted = 0;
  for (size_t position = 0; position < image.tensor_infos_end; ++position) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bytes = image.bytes;
      bytes[position] ^= static_cast<uint8_t>(1u << bit);
      StatusOr<GgufSummary> summary = ParseGguf(bytes, {}, kName);
      if (summary.ok()) {
        ExpectConsistent(*summary, bytes.size());
        ++accepted;
        continue;
      }
      ++refused;
      const StatusCode code = summary.status().code();
      ASSERT_TRUE(code == StatusCode::kInvalidArgument || code == StatusCode::kFailedPrecondition)
          << "byte " << position << " bit " << bit << ": " << summary.status();
      ASSERT_THAT(summary.status().message(), StartsWith(std::string(kName) + " is"));
    }
  }
  // Flips in names and values are harmless; many in counts, lengths and
  // types are not.
  EXPECT_GT(refused, 1000);
  EXPECT_GT(accepted, 500);
}

TEST(GgufHostileTest, BitFlipsInTheHighBytesOfCountsLengthsAndTypesAreRefused) {
  const GgufTestImage image = SampleImage();
  // [first, last) byte ranges: the high bytes of every count, length, type
  // and offset field of SampleImage().
  std::vector<std::pair<size_t, size_t>> fields = {{5, 8}, {12, 16}, {20, 24}};
  const std::vector<std::string> keys = {"general.architecture", "tokenizer.ggml.tokens",
                                         "llama.context_length", "tokenizer.ggml.token_type"};
  for (size_t i = 0; i < keys.size(); ++i) {
    const size_t key = image.metadata_positions[i];
    const size_t type = key + 8 + keys[i].size();
    fields.insert(fields.end(), {{key + 4, key + 8}, {type + 1, type + 4}});
    if (i == 1 || i == 3)
      fields.insert(fields.end(), {{type + 5, type + 8}, {type + 12, type + 16}});
  }
  const std::vector<std::string> tensors = {"token_embd.weight", "blk.0.attn_q.weight"};
  for (size_t t = 0; t < tensors.size(); ++t) {
    const size_t name = image.tensor_positions[t];
    const size_t dims = DimsCountPosition(image, t, tensors[t].size());
    const size_t type = dims + 4 + 16;
    fields.insert(fields.end(), {{name + 4, name + 8},
                                 {dims + 1, dims + 4},
                                 {dims + 8, dims + 12},
                                 {dims + 16, dims + 20},
                                 {type + 1, type + 4},
                                 {type + 8, type + 12}});
  }
  int flips = 0;
  for (const auto& [first, last] : fields) {
    for (size_t position = first; position < last; ++position) {
      for (int bit = 0; bit < 8; ++bit) {
        std::vector<uint8_t> bytes = image.bytes;
        bytes[position] ^= static_cast<uint8_t>(1u << bit);
        EXPECT_FALSE(Parse(bytes).ok()) << "byte " << position << " bit " << bit;
        ++flips;
      }
    }
  }
  // Header 3 + 4 + 4 bytes; per key 4 + 3, per array 3 + 4; per tensor 22.
  EXPECT_EQ(flips, 8 * (11 + 4 * 7 + 2 * 7 + 2 * 22));
}

TEST(GgufHostileTest, BadMagic) {
  GgufTestImage image = GgufTestBuilder().Magic("GGML").Build();
  ExpectMalformed(Parse(image.bytes), "it starts with 'GGML', not 'GGUF'");
  image = GgufTestBuilder().Magic(std::string("\x89PNG", 4)).Build();
  ExpectMalformed(Parse(image.bytes), "it starts with '\\x89PNG'");
}

TEST(GgufHostileTest, UnsupportedVersions) {
  ExpectRefused(Parse(GgufTestBuilder().Version(1).Build().bytes), StatusCode::kFailedPrecondition,
                "cannot use: GGUF version 1 is obsolete");
  ExpectRefused(Parse(GgufTestBuilder().Version(4).Build().bytes), StatusCode::kFailedPrecondition,
                "GGUF version 4 is newer than this hearth reads");
  ExpectRefused(Parse(GgufTestBuilder().Version(0x03000000).Build().bytes),
                StatusCode::kFailedPrecondition, "big-endian");
  ExpectMalformed(Parse(GgufTestBuilder().Version(0).Build().bytes),
                  "GGUF version 0 does not exist");
}

TEST(GgufHostileTest, OversizedCounts) {
  GgufTestImage image = SampleImage();
  PatchU64(image.bytes, 8, uint64_t{1} << 40);
  ExpectMalformed(Parse(image.bytes),
                  "it claims 1,099,511,627,776 tensors, over the limit of 65,536");
  image = SampleImage();
  PatchU64(image.bytes, 16, ~uint64_t{0});
  ExpectMalformed(Parse(image.bytes), "metadata entries, over the limit of 65,536");
  // Within the limit but more than the file holds.
  image = GgufTestBuilder().AddU32("a", 1).Build();
  PatchU64(image.bytes, 16, 1000);
  ExpectMalformed(Parse(image.bytes),
                  "truncated at byte 41 while reading the length of the key "
                  "of metadata entry 1");
  // Limits can be lowered.
  ExpectMalformed(Parse(SampleImage().bytes, {.max_tensors = 1}),
                  "it claims 2 tensors, over the limit of 1");
}

TEST(GgufHostileTest, OversizedStrings) {
  GgufTestImage image = SampleImage();
  PatchU64(image.bytes, image.metadata_positions[0], uint64_t{1} << 63);
  ExpectMalformed(Parse(image.bytes),
                  "the key of metadata entry 0 is 9,223,372,036,854,775,808 "
                  "bytes long, over the limit of 16,777,216 (length at byte 24)");
  image = SampleImage();
  const size_t value = image.metadata_positions[0] + 8 + 20 + 4;  // after "general.architecture"
  PatchU64(image.bytes, value, 16 * 1024 * 1024);
  ExpectMalformed(Parse(image.bytes), "truncated at byte " + FormatCount(image.bytes.size()) +
                                          " while reading the value of 'general.architecture' "
                                          "(16,777,216 bytes from byte");
  ExpectMalformed(Parse(SampleImage().bytes, {.max_string_bytes = 4}),
                  "the key of metadata entry 0 is 20 bytes long, over the limit of 4");
}

TEST(GgufHostileTest, OversizedArrays) {
  GgufTestImage image = SampleImage();
  const size_t tokens = image.metadata_positions[1] + 8 + 21 + 4;  // the array's element type
  PatchU64(image.bytes, tokens + 4, uint64_t{1} << 62);
  ExpectMalformed(Parse(image.bytes),
                  "array 'tokenizer.ggml.tokens' has 4,611,686,018,427,387,904 "
                  "elements, over the limit of 10,000,000");
  image = SampleImage();
  const size_t types = image.metadata_positions[3] + 8 + 25 + 4;
  PatchU64(image.bytes, types + 4, 5'000'000);
  ExpectMalformed(Parse(image.bytes),
                  "while reading the 5,000,000 elements of array "
                  "'tokenizer.ggml.token_type' (20,000,000 bytes from byte");
}

TEST(GgufHostileTest, ArraysNestedTooDeep) {
  std::vector<uint8_t> value;
  testing::AppendU32(value, 9);  // array of arrays ...
  testing::AppendU64(value, 1);
  testing::AppendU32(value, 9);  // ... of arrays ...
  testing::AppendU64(value, 1);
  testing::AppendU32(value, 4);  // ... of u32
  testing::AppendU64(value, 0);
  ExpectMalformed(Parse(GgufTestBuilder().AddRaw("deep", 9, value).Build().bytes),
                  "element 0 of array 'deep' is itself an array of arrays; arrays may nest only "
                  "one level deep");
}

TEST(GgufHostileTest, UnknownValueTypes) {
  ExpectMalformed(Parse(GgufTestBuilder().AddRaw("k", 13, {}).Build().bytes),
                  "the value type of 'k' is 13, which GGUF does not define (at byte 33)");
  std::vector<uint8_t> value;
  testing::AppendU32(value, 0xdeadbeef);
  testing::AppendU64(value, 0);
  ExpectMalformed(Parse(GgufTestBuilder().AddRaw("k", 9, value).Build().bytes),
                  "the element type of array 'k' is 3735928559, which GGUF does not define");
}

TEST(GgufHostileTest, BadKeys) {
  ExpectMalformed(Parse(GgufTestBuilder().AddU32("", 1).Build().bytes),
                  "metadata entry 0 has an empty key (at byte 24)");
  ExpectMalformed(Parse(GgufTestBuilder().AddU32("a\xff", 1).Build().bytes),
                  "the key of metadata entry 0, 'a\\xff', is not valid UTF-8");
  ExpectMalformed(Parse(GgufTestBuilder().AddU32("k", 1).AddString("k", "x").Build().bytes),
                  "metadata key 'k' appears twice (at byte 41)");
}

TEST(GgufHostileTest, BadAlignment) {
  ExpectMalformed(Parse(GgufTestBuilder().Alignment(48).Build().bytes),
                  "general.alignment is 48, not a power of two");
  ExpectMalformed(Parse(GgufTestBuilder().AddU32("general.alignment", 0).Build().bytes),
                  "general.alignment is 0, not a power of two");
  ExpectMalformed(Parse(GgufTestBuilder().AddU64("general.alignment", 32).Build().bytes),
                  "general.alignment is a u64, not a u32");
}

TEST(GgufHostileTest, BadTensorShapes) {
  const std::string name = "blk.0.attn_q.weight";
  GgufTestImage image = SampleImage();
  PatchU32(image.bytes, DimsCountPosition(image, 1, name.size()), 5);
  ExpectMalformed(Parse(image.bytes),
                  "tensor '" + name + "' has 5 dimensions; ggml allows at most 4");
  image = SampleImage();
  PatchU64(image.bytes, DimPosition(image, 1, name.size(), 1), 0);
  ExpectMalformed(Parse(image.bytes), "dimension 1 of tensor '" + name + "' is 0");
  image = SampleImage();
  PatchU64(image.bytes, DimPosition(image, 0, 17, 0), uint64_t{1} << 32);
  PatchU64(image.bytes, DimPosition(image, 0, 17, 1), uint64_t{1} << 32);
  ExpectMalformed(Parse(image.bytes),
                  "tensor 'token_embd.weight' has shape [4,294,967,296, "
                  "4,294,967,296], more elements than ggml can count");
  // 2^62 f64 elements fit in int64_t but not their 2^65 bytes in uint64_t.
  GgufTestImage wide = GgufTestBuilder().AddTensor("w", {uint64_t{1} << 60, 4}, /*f64*/ 28).Build();
  ExpectMalformed(Parse(wide.bytes),
                  "tensor 'w' has shape [1,152,921,504,606,846,976, 4], "
                  "more bytes than any file holds");
  // Rows must hold whole blocks.
  ExpectMalformed(Parse(GgufTestBuilder().AddTensor("q", {33, 1}, /*q4_0*/ 2).Build().bytes),
                  "tensor 'q' of type q4_0 has rows of 33 elements, not a multiple of the "
                  "type's block size 32");
}

TEST(GgufHostileTest, UnknownTensorTypes) {
  ExpectRefused(Parse(GgufTestBuilder().AddTensor("t", {8}, 99).Build().bytes),
                StatusCode::kFailedPrecondition,
                "tensor 't' has ggml type 99, which this hearth does not know");
  ExpectRefused(Parse(GgufTestBuilder().AddTensor("t", {8}, 4).Build().bytes),
                StatusCode::kFailedPrecondition, "ggml type 4");
}

TEST(GgufHostileTest, BadTensorNames) {
  ExpectMalformed(Parse(GgufTestBuilder().AddTensor("w", {8}).AddTensor("w", {8}).Build().bytes),
                  "two tensors are named 'w'");
  const std::string longest(63, 'n');
  EXPECT_TRUE(Parse(GgufTestBuilder().AddTensor(longest, {8}).Build().bytes).ok());
  ExpectMalformed(Parse(GgufTestBuilder().AddTensor(longest + "n", {8}).Build().bytes),
                  "is 64 bytes long; ggml allows at most 63");
}

TEST(GgufHostileTest, BadTensorOffsets) {
  ExpectMalformed(
      Parse(GgufTestBuilder().AddTensor("a", {16}).AddTensor("b", {4}, 0, 8).Build().bytes),
      "tensor 'b' has data offset 8, not a multiple of the alignment 32");
  ExpectMalformed(
      Parse(GgufTestBuilder().AddTensor("a", {24}).AddTensor("b", {8}, 0, 32).Build().bytes),
      "the data of tensors 'a' (bytes 0 to 96 of the data region) and 'b' (from byte 32) overlap");
  GgufTestImage image =
      GgufTestBuilder().AddTensor("a", {8}).AddTensor("b", {8}, 0, 1 << 20).Build();
  ExpectMalformed(Parse(image.bytes), "tensor 'b' ends at byte " +
                                          FormatCount(image.data_offset + (1 << 20) + 32) +
                                          " but the file has " + FormatCount(image.bytes.size()) +
                                          " bytes (truncated download?)");
  ExpectMalformed(
      Parse(GgufTestBuilder().AddTensor("a", {8}, 0, ~uint64_t{31}).Build().bytes),
      "tensor 'a' has data offset 18,446,744,073,709,551,584, beyond the size of any file");
}

TEST(GgufHostileTest, DataRegionPastTheEnd) {
  GgufTestImage image = GgufTestBuilder().AddTensor("a", {8}).Build();
  image.bytes.resize(image.tensor_infos_end);
  ExpectMalformed(Parse(image.bytes), "the tensor data should start at byte " +
                                          FormatCount(image.data_offset) + " but the file has " +
                                          FormatCount(image.tensor_infos_end) + " bytes");
}

TEST(GgufHostileTest, KeptMetadataIsBounded) {
  GgufTestBuilder builder;
  for (int i = 0; i < 100; ++i)
    builder.AddString("key" + std::to_string(i), std::string(1000, 'v'));
  const GgufTestImage image = builder.Build();
  EXPECT_TRUE(Parse(image.bytes).ok());
  ExpectMalformed(Parse(image.bytes, {.max_kept_metadata_bytes = 50'000}),
                  "its metadata needs more than 50,000 bytes of memory, over the limit");
}

}  // namespace
}  // namespace hearth
