#include "server/server_options.h"

#include "base/environment.h"
#include "gtest/gtest.h"

namespace hearth {
namespace {

TEST(ServerOptionsTest, DefaultsListenOnLoopbackOnOllamasPort) {
  ServerOptions options;
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 11434);
  EXPECT_TRUE(ValidateServerOptions(options).ok());
}

TEST(ServerOptionsTest, FlagsOverrideEnvironment) {
  ServerOptions options;
  OptionBinder binder;
  BindServerOptions(binder, options);
  MapEnvironment env({{"HEARTH_PORT", "8080"}, {"HEARTH_HOST", "0.0.0.0"}});
  ASSERT_TRUE(binder.ApplyEnvironment(env).ok());
  auto rest = binder.ApplyFlags({"--port=9090", "--max-request-size", "1MiB"});
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(options.port, 9090);
  EXPECT_EQ(options.host, "0.0.0.0");
  EXPECT_EQ(options.limits.max_request_bytes, 1u << 20);
}

TEST(ServerOptionsTest, BlobUploadsHaveTheirOwnLimit) {
  ServerOptions options;
  EXPECT_EQ(options.limits.max_blob_bytes, uint64_t{64} << 30);  // room for a real model
  OptionBinder binder;
  BindServerOptions(binder, options);
  MapEnvironment env({{"HEARTH_MAX_BLOB_SIZE", "2GiB"}});
  ASSERT_TRUE(binder.ApplyEnvironment(env).ok());
  EXPECT_EQ(options.limits.max_blob_bytes, uint64_t{2} << 30);
  ASSERT_TRUE(binder.ApplyFlags({"--max-blob-size", "3MiB"}).ok());
  EXPECT_EQ(options.limits.max_blob_bytes, uint64_t{3} << 20);
  EXPECT_EQ(options.limits.max_request_bytes, uint64_t{64} << 20);  // untouched
  options.limits.max_blob_bytes = options.limits.max_request_bytes - 1;
  Status status = ValidateServerOptions(options);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--max-blob-size"), std::string::npos);
}

TEST(ServerOptionsTest, OutOfRangePortIsRejectedByName) {
  ServerOptions options;
  options.port = 70000;
  Status status = ValidateServerOptions(options);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--port"), std::string::npos);
}

TEST(ServerOptionsTest, ShutdownTimeoutDefaultsToTenSecondsAndIsSetByFlag) {
  ServerOptions options;
  EXPECT_EQ(options.shutdown_timeout, std::chrono::seconds(10));
  OptionBinder binder;
  BindServerOptions(binder, options);
  auto rest = binder.ApplyFlags({"--shutdown-timeout", "2s"});
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  EXPECT_EQ(options.shutdown_timeout, std::chrono::seconds(2));
  EXPECT_TRUE(ValidateServerOptions(options).ok());
}

TEST(ServerOptionsTest, NegativeShutdownTimeoutIsRejectedByName) {
  ServerOptions options;
  options.shutdown_timeout = std::chrono::milliseconds(-1);
  Status status = ValidateServerOptions(options);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("--shutdown-timeout"), std::string::npos);
}

TEST(ServerOptionsTest, ZeroWorkersIsRejected) {
  ServerOptions options;
  options.limits.worker_threads = 0;
  EXPECT_EQ(ValidateServerOptions(options).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
