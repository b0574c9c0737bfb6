#include "server/server_limits.h"

#include <string>

#include "base/environment.h"
#include "gtest/gtest.h"
#include "server/server_options.h"

namespace hearth {
namespace {

void ExpectRefusedNaming(const ServerLimits& limits, const std::string& flag) {
  Status status = ValidateServerLimits(limits);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << flag;
  EXPECT_NE(status.message().find(flag), std::string::npos) << status.message();
}

TEST(ServerLimitsTest, DefaultsAreValidAndDocumentedValues) {
  ServerLimits limits;
  EXPECT_TRUE(ValidateServerLimits(limits).ok());
  EXPECT_EQ(limits.max_json_bytes, uint64_t{16} << 20);
  EXPECT_EQ(limits.max_json_depth, 32);
  EXPECT_EQ(limits.max_upload_files, 100);
  EXPECT_EQ(limits.max_filename_bytes, 255);
  EXPECT_EQ(limits.max_message_bytes, 32u * 1024);
  EXPECT_EQ(limits.max_requests_per_user, 6);
  EXPECT_EQ(limits.max_requests_per_key, 4);
  EXPECT_EQ(limits.worker_threads, 32);
  EXPECT_EQ(limits.quick_threads, 8);
  EXPECT_EQ(limits.long_request_cap(), 24);
}

TEST(ServerLimitsTest, EveryLimitIsSetByFlagOverEnvironment) {
  ServerOptions options;
  OptionBinder binder;
  BindServerOptions(binder, options);
  MapEnvironment env({{"HEARTH_MAX_JSON_SIZE", "2KiB"}, {"HEARTH_MAX_UPLOAD_FILES", "7"},
                      {"HEARTH_MAX_REQUESTS_PER_KEY", "3"}});
  ASSERT_TRUE(binder.ApplyEnvironment(env).ok());
  auto rest = binder.ApplyFlags(
      {"--max-json-size", "1KiB", "--max-json-depth", "5", "--max-header-size", "4KiB",
       "--max-upload-parts", "9", "--max-document-size", "1000", "--max-filename-length", "20",
       "--max-message-size", "100", "--max-generation-tokens", "64", "--max-requests-per-user",
       "2", "--http-threads", "6", "--http-quick-threads", "2"});
  ASSERT_TRUE(rest.ok()) << rest.status();
  const ServerLimits& limits = options.limits;
  EXPECT_EQ(limits.max_json_bytes, 1024u);
  EXPECT_EQ(limits.max_json_depth, 5);
  EXPECT_EQ(limits.max_header_bytes, 4096u);
  EXPECT_EQ(limits.max_upload_files, 7);
  EXPECT_EQ(limits.max_upload_parts, 9);
  EXPECT_EQ(limits.max_document_bytes, 1000u);
  EXPECT_EQ(limits.max_filename_bytes, 20);
  EXPECT_EQ(limits.max_message_bytes, 100u);
  EXPECT_EQ(limits.max_generation_tokens, 64);
  EXPECT_EQ(limits.max_requests_per_user, 2);
  EXPECT_EQ(limits.max_requests_per_key, 3);
  EXPECT_EQ(limits.long_request_cap(), 4);
  EXPECT_TRUE(ValidateServerOptions(options).ok());
}

TEST(ServerLimitsTest, OutOfRangeValuesAreRefusedNamingTheFlag) {
  ServerLimits limits;
  limits.max_json_depth = kMaxJsonDepthCeiling + 1;
  ExpectRefusedNaming(limits, "--max-json-depth");
  limits = {};
  limits.max_json_depth = 0;
  ExpectRefusedNaming(limits, "--max-json-depth");
  limits = {};
  limits.max_upload_parts = limits.max_upload_files - 1;
  ExpectRefusedNaming(limits, "--max-upload-parts");
  limits = {};
  limits.max_upload_parts = kMaxUploadPartsCeiling + 1;
  ExpectRefusedNaming(limits, "--max-upload-parts");
  limits = {};
  limits.max_message_bytes = kMaxMessageBytesCeiling + 1;
  ExpectRefusedNaming(limits, "--max-message-size");
  limits = {};
  limits.max_json_bytes = 0;
  ExpectRefusedNaming(limits, "--max-json-size");
  limits = {};
  limits.max_requests_per_user = -1;
  ExpectRefusedNaming(limits, "--max-requests-per-user");
  limits = {};
  limits.max_generation_tokens = 0;
  ExpectRefusedNaming(limits, "--max-generation-tokens");
  limits = {};
  limits.max_header_bytes = 0;
  ExpectRefusedNaming(limits, "--max-header-size");
  limits = {};
  limits.quick_threads = limits.worker_threads;  // no worker left for long requests
  ExpectRefusedNaming(limits, "--http-quick-threads");
  limits = {};
  limits.quick_threads = -1;
  ExpectRefusedNaming(limits, "--http-quick-threads");
}

TEST(ServerLimitsTest, TheCeilingsThemselvesAreAccepted) {
  ServerLimits limits;
  limits.max_json_depth = kMaxJsonDepthCeiling;
  limits.max_upload_parts = kMaxUploadPartsCeiling;
  limits.max_message_bytes = kMaxMessageBytesCeiling;
  limits.max_requests_per_user = 0;
  limits.max_requests_per_key = 0;
  limits.quick_threads = limits.worker_threads - 1;  // one worker for long requests
  EXPECT_TRUE(ValidateServerLimits(limits).ok());
  limits.quick_threads = 0;  // no worker kept for quick requests
  EXPECT_TRUE(ValidateServerLimits(limits).ok());
}

}  // namespace
}  // namespace hearth
