#include "server/request_limits.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hearth::internal {
namespace {

void ExpectNames(const Status& status, const std::string& value, const std::string& flag) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find(value), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(flag), std::string::npos) << status.message();
}

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BodyLimitTest, JsonBodiesTakeTheSmallerLimitUploadsAndBlobsTheirOwn) {
  ServerLimits limits;
  limits.max_json_bytes = 1000;
  limits.max_request_bytes = 5000;
  limits.max_blob_bytes = 9000;
  EXPECT_EQ(BodyLimitFor(false, false, limits).bytes, 1000u);
  EXPECT_STREQ(BodyLimitFor(false, false, limits).flag, "--max-json-size");
  EXPECT_EQ(BodyLimitFor(false, true, limits).bytes, 5000u);
  EXPECT_STREQ(BodyLimitFor(false, true, limits).flag, "--max-request-size");
  EXPECT_EQ(BodyLimitFor(true, false, limits).bytes, 9000u);
  limits.max_request_bytes = 500;  // smaller than the JSON limit: it rules
  EXPECT_EQ(BodyLimitFor(false, false, limits).bytes, 500u);
  EXPECT_STREQ(BodyLimitFor(false, false, limits).flag, "--max-request-size");
  ExpectNames(BodyTooLarge(BodyLimitFor(false, false, limits)), "500 B", "--max-request-size");
}

TEST(HeaderSizeTest, AtTheLimitPassesOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_header_bytes = 4096;
  EXPECT_TRUE(CheckHeaderSize(4096, limits).ok());
  ExpectNames(CheckHeaderSize(4097, limits), "4 KiB", "--max-header-size");
}

TEST(JsonDepthTest, CountsNestingOutsideStringsOnly) {
  EXPECT_EQ(JsonNestingDepth(R"({"a": [1, {"b": []}]})", 100), 4);
  EXPECT_EQ(JsonNestingDepth(R"({"a": "[[[[{{{{"})", 100), 1);
  EXPECT_EQ(JsonNestingDepth(R"({"a": "\"[[[["})", 100), 1) << "an escaped quote ends nothing";
  EXPECT_EQ(JsonNestingDepth("", 100), 0);
  EXPECT_EQ(JsonNestingDepth(Nested(1000), 10), 11) << "stops once past the limit";
}

TEST(JsonDepthTest, AtTheLimitPassesOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_json_depth = 8;
  EXPECT_TRUE(CheckJsonDepth(Nested(8), limits).ok());
  ExpectNames(CheckJsonDepth(Nested(9), limits), "8", "--max-json-depth");
}

TEST(UploadCountsTest, AtTheLimitsPassOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_upload_files = 3;
  limits.max_upload_parts = 5;
  EXPECT_TRUE(CheckUploadCounts(5, 3, limits).ok());
  ExpectNames(CheckUploadCounts(5, 4, limits), "3", "--max-upload-files");
  ExpectNames(CheckUploadCounts(6, 3, limits), "5", "--max-upload-parts");
}

TEST(UploadFileNameTest, LengthAtTheLimitPassesOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_filename_bytes = 20;
  EXPECT_TRUE(CheckUploadFileName(std::string(16, 'a') + ".pdf", limits).ok());
  ExpectNames(CheckUploadFileName(std::string(17, 'a') + ".pdf", limits), "20",
              "--max-filename-length");
  // Counted in bytes: "é" is two.
  EXPECT_TRUE(CheckUploadFileName(std::string(9, 'a') + "\xc3\xa9" + "\xc3\xa9" + ".pdf" + "aaa",
                                  limits)
                  .ok());
}

TEST(UploadFileNameTest, ControlCharactersSeparatorsAndBadUtf8AreRefused) {
  ServerLimits limits;
  for (const std::string& name :
       std::vector<std::string>{"a/b.txt", "..", ".", "a\\b.txt", std::string("a\0b", 3),
                                "tab\there", "bell\x07", "del\x7f", "bad\xff.txt"}) {
    EXPECT_EQ(CheckUploadFileName(name, limits).code(), StatusCode::kInvalidArgument) << name;
  }
  for (const std::string& name :
       std::vector<std::string>{"report (final).pdf", "notes.md",
                                "\xe6\x97\xa5\xe6\x9c\xac.txt", "..hidden", "a..b"}) {
    EXPECT_TRUE(CheckUploadFileName(name, limits).ok()) << name;
  }
}

TEST(DocumentSizeTest, AtTheLimitPassesOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_document_bytes = 1000;
  EXPECT_TRUE(CheckDocumentSize("a.txt", 1000, limits).ok());
  Status refused = CheckDocumentSize("a.txt", 1001, limits);
  ExpectNames(refused, "1001 bytes", "--max-document-size");
  EXPECT_NE(refused.message().find("a.txt"), std::string::npos);
}

TEST(MessageSizeTest, AtTheLimitPassesOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_message_bytes = 100;
  EXPECT_TRUE(CheckMessageSize("message", 100, limits).ok());
  ExpectNames(CheckMessageSize("message", 101, limits), "100 bytes", "--max-message-size");
}

TEST(LimitGenerationTest, AnExplicitRequestAtTheLimitPassesOneMoreIsRefused) {
  ServerLimits limits;
  limits.max_generation_tokens = 64;
  GenerateRequest generate;
  generate.max_tokens = 64;
  EXPECT_TRUE(LimitGeneration(limits, {"num_predict"}, &generate).ok());
  EXPECT_EQ(generate.max_tokens, 64);
  generate.max_tokens = 65;
  ExpectNames(LimitGeneration(limits, {"num_predict"}, &generate), "64",
              "--max-generation-tokens");
  EXPECT_EQ(generate.max_tokens, 65) << "unchanged on error";
}

TEST(LimitGenerationTest, NoLimitOrAModelParameterAboveTheLimitIsCapped) {
  ServerLimits limits;
  limits.max_generation_tokens = 64;
  GenerateRequest unlimited;  // max_tokens -1
  EXPECT_TRUE(LimitGeneration(limits, {}, &unlimited).ok());
  EXPECT_EQ(unlimited.max_tokens, 64);
  GenerateRequest asked_unlimited;
  EXPECT_TRUE(LimitGeneration(limits, {"num_predict"}, &asked_unlimited).ok());
  EXPECT_EQ(asked_unlimited.max_tokens, 64);
  GenerateRequest from_model;
  from_model.max_tokens = 1000;  // a Modelfile's num_predict, not the request's
  EXPECT_TRUE(LimitGeneration(limits, {"temperature"}, &from_model).ok());
  EXPECT_EQ(from_model.max_tokens, 64);
  GenerateRequest small;
  small.max_tokens = 3;
  EXPECT_TRUE(LimitGeneration(limits, {}, &small).ok());
  EXPECT_EQ(small.max_tokens, 3);
}

}  // namespace
}  // namespace hearth::internal
