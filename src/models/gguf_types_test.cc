// hearth's own tables of GGUF and ggml types agree with the linked ggml.
#include "models/gguf_types.h"

#include <gtest/gtest.h>

#include <string>

#include "ggml.h"

namespace hearth {
namespace {

TEST(GgufTypesTest, GgmlTableMatchesTheLinkedGgml) {
  int known = 0;
  for (uint32_t id = 0; id < GGML_TYPE_COUNT; ++id) {
    const auto type = static_cast<ggml_type>(id);
    const GgmlTypeInfo* info = FindGgmlType(id);
    if (ggml_blck_size(type) == 0) {  // removed from GGUF files
      EXPECT_EQ(info, nullptr) << "type " << id;
      continue;
    }
    ASSERT_NE(info, nullptr) << "type " << id << " (" << ggml_type_name(type) << ") is missing";
    EXPECT_EQ(info->id, id);
    EXPECT_EQ(info->name, std::string(ggml_type_name(type))) << "type " << id;
    EXPECT_EQ(info->block_size, static_cast<uint32_t>(ggml_blck_size(type))) << info->name;
    EXPECT_EQ(info->type_size, ggml_type_size(type)) << info->name;
    ++known;
  }
  EXPECT_GT(known, 30);
  EXPECT_EQ(FindGgmlType(GGML_TYPE_COUNT), nullptr);
  EXPECT_EQ(FindGgmlType(0xffffffffu), nullptr);
}

TEST(GgufTypesTest, ValueTypes) {
  EXPECT_EQ(GgufValueTypeFromId(12), GgufValueType::kFloat64);
  EXPECT_EQ(GgufValueTypeFromId(13), std::nullopt);
  EXPECT_EQ(GgufValueTypeName(GgufValueType::kString), "string");
  EXPECT_EQ(GgufValueTypeSize(GgufValueType::kBool), 1u);
  EXPECT_EQ(GgufValueTypeSize(GgufValueType::kInt64), 8u);
  EXPECT_EQ(GgufValueTypeSize(GgufValueType::kArray), 0u);
}

TEST(GgufTypesTest, FileTypeNames) {
  EXPECT_EQ(LlamaFileTypeName(0), "F32");
  EXPECT_EQ(LlamaFileTypeName(1), "F16");
  EXPECT_EQ(LlamaFileTypeName(7), "Q8_0");
  EXPECT_EQ(LlamaFileTypeName(15), "Q4_K_M");
  EXPECT_EQ(LlamaFileTypeName(32), "BF16");
  EXPECT_EQ(LlamaFileTypeName(4), std::nullopt);
  EXPECT_EQ(LlamaFileTypeName(1024), std::nullopt);
}

}  // namespace
}  // namespace hearth
