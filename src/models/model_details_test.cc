#include "models/model_details.h"

#include <gtest/gtest.h>

#include "models/gguf_file.h"
#include "models/gguf_test_builder.h"
#include "tests/support/test_data.h"

namespace hearth {
namespace {

using ::hearth::testing::GgufTestBuilder;

TEST(ModelDetailsTest, FormatsParameterCountsLikeOllama) {
  EXPECT_EQ(FormatParameterCount(0), "0");
  EXPECT_EQ(FormatParameterCount(999), "999");
  EXPECT_EQ(FormatParameterCount(1000), "1K");
  EXPECT_EQ(FormatParameterCount(260'000), "260K");
  EXPECT_EQ(FormatParameterCount(292'800), "293K");
  EXPECT_EQ(FormatParameterCount(137'000'000), "137M");
  EXPECT_EQ(FormatParameterCount(494'032'768), "494.03M");
  EXPECT_EQ(FormatParameterCount(1'235'814'400), "1.2B");
  EXPECT_EQ(FormatParameterCount(7'615'616'512), "7.6B");
  EXPECT_EQ(FormatParameterCount(8'000'000'000), "8B");
  EXPECT_EQ(FormatParameterCount(1'500'000'000'000), "1.5T");
}

GgufSummary Parse(const GgufTestBuilder& builder) {
  return ParseGguf(builder.Build().bytes).value();
}

TEST(ModelDetailsTest, NamesTheFileType) {
  GgufSummary gguf = Parse(GgufTestBuilder()
                               .AddString("general.architecture", "qwen2")
                               .AddU32("general.file_type", 15)
                               .AddTensor("w", {256, 4}, /*q4_K*/ 12));
  ModelDetails details = DetailsFromGguf(gguf);
  EXPECT_EQ(details.format, "gguf");
  EXPECT_EQ(details.family, "qwen2");
  EXPECT_EQ(details.families, std::vector<std::string>{"qwen2"});
  EXPECT_EQ(details.parameter_size, "1K");
  EXPECT_EQ(details.quantization_level, "Q4_K_M");
}

TEST(ModelDetailsTest, WithoutAFileTypeTheDominantWeightTypeNamesTheQuantization) {
  // The one-dimensional F32 norm holds the most bytes, but only weight
  // matrices count, and Q8_0 holds the most of theirs.
  GgufSummary gguf = Parse(GgufTestBuilder()
                               .AddString("general.architecture", "llama")
                               .AddTensor("norm", {4096})
                               .AddTensor("a", {64, 2}, /*q8_0*/ 8)
                               .AddTensor("b", {64, 2}, /*q8_0*/ 8)
                               .AddTensor("c", {4, 2}, /*f16*/ 1));
  EXPECT_EQ(QuantizationLevel(gguf), "Q8_0");
  EXPECT_EQ(QuantizationLevel(Parse(GgufTestBuilder().AddString("general.architecture", "x"))), "");
}

TEST(ModelDetailsTest, AnUnknownFileTypeFallsBackToTheTensors) {
  GgufSummary gguf =
      Parse(GgufTestBuilder().AddU32("general.file_type", 999).AddTensor("w", {8, 8}, /*f16*/ 1));
  EXPECT_EQ(QuantizationLevel(gguf), "F16");
  EXPECT_EQ(DetailsFromGguf(gguf).family, "");
  EXPECT_TRUE(DetailsFromGguf(gguf).families.empty());
}

TEST(ModelDetailsTest, Stories260K) {
  HEARTH_TEST_DATA_FILE_OR_SKIP(path, "models/stories260K.gguf");
  ModelDetails details = DetailsFromGguf(ReadGgufFile(path).value());
  EXPECT_EQ(details.family, "llama");
  EXPECT_EQ(details.parameter_size, "293K");
  EXPECT_EQ(details.quantization_level, "F32");
}

}  // namespace
}  // namespace hearth
