#include "server/http_server.h"

#include <chrono>
#include <thread>

#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

ServerOptions LoopbackAnyPort() {
  ServerOptions options;
  options.port = 0;
  options.limits.worker_threads = 2;
  options.limits.quick_threads = 1;
  // Long enough that a Stop() which waited for it would time the test out.
  options.shutdown_timeout = std::chrono::hours(1);
  return options;
}

TEST(HttpServerTest, StopBeforeServeMakesServeReturnOk) {
  StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Bind(LoopbackAnyPort());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  (*server)->Stop();
  Status served = (*server)->Serve();
  EXPECT_TRUE(served.ok()) << served.ToString();
}

TEST(HttpServerTest, StopWithNothingInFlightEndsServeWithoutWaitingForTheGracePeriod) {
  StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Bind(LoopbackAnyPort());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Status served = InternalError("Serve() did not return");
  std::thread serving([&] { served = (*server)->Serve(); });
  httplib::Client client("127.0.0.1", (*server)->port());
  bool answered = false;
  for (int attempt = 0; attempt < 200 && !answered; ++attempt) {
    httplib::Result result = client.Get("/api/version");
    answered = result && result->status == 200;
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(answered);
  (*server)->Stop();
  serving.join();
  EXPECT_TRUE(served.ok()) << served.ToString();
  EXPECT_FALSE(client.Get("/api/version")) << "a connection was accepted after Stop()";
}

TEST(HttpServerTest, NegativeShutdownTimeoutIsRefusedAtBind) {
  ServerOptions options = LoopbackAnyPort();
  options.shutdown_timeout = std::chrono::milliseconds(-5);
  EXPECT_EQ(HttpServer::Bind(options).status().code(), StatusCode::kInvalidArgument);
}

// A server with no model services (only the system routes) and small body
// limits, served on a thread until the fixture ends.
class ServingServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options = LoopbackAnyPort();
    options.limits.max_request_bytes = 1024;
    options.limits.max_blob_bytes = 4096;
    StatusOr<std::unique_ptr<HttpServer>> bound = HttpServer::Bind(options);
    ASSERT_TRUE(bound.ok()) << bound.status().ToString();
    server_ = std::move(*bound);
    serving_ = std::thread([this] { (void)server_->Serve(); });
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
    if (serving_.joinable()) serving_.join();
  }
  httplib::Client Client() { return httplib::Client("127.0.0.1", server_->port()); }

  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
};

nlohmann::json BodyOf(const httplib::Result& result) {
  return nlohmann::json::parse(result->body, nullptr, false);
}

TEST_F(ServingServer, ErrorsBeforeRoutingUseTheShapeOfThePathsApi) {
  httplib::Client client = Client();
  httplib::Result ollama = client.Get("/api/nothing");
  ASSERT_TRUE(ollama);
  EXPECT_EQ(ollama->status, 404);
  ASSERT_TRUE(BodyOf(ollama)["error"].is_string()) << ollama->body;
  EXPECT_NE(BodyOf(ollama)["error"].get<std::string>().find("no route"), std::string::npos);

  httplib::Result openai = client.Get("/v1/nothing");
  ASSERT_TRUE(openai);
  EXPECT_EQ(openai->status, 404);
  const nlohmann::json error = BodyOf(openai)["error"];
  ASSERT_TRUE(error.is_object()) << openai->body;
  EXPECT_NE(error["message"].get<std::string>().find("no route"), std::string::npos);
  EXPECT_EQ(error["type"], "not_found_error");
}

TEST_F(ServingServer, OversizedBodiesAre413NamingTheLimitAndTheFlag) {
  httplib::Client client = Client();
  const std::string big(2048, 'x');
  httplib::Result ollama = client.Post("/api/generate", big, "application/json");
  ASSERT_TRUE(ollama);
  EXPECT_EQ(ollama->status, 413);
  const std::string message = BodyOf(ollama)["error"].get<std::string>();
  EXPECT_NE(message.find("1 KiB"), std::string::npos) << message;
  EXPECT_NE(message.find("--max-request-size"), std::string::npos) << message;

  httplib::Result openai = client.Post("/v1/chat/completions", big, "application/json");
  ASSERT_TRUE(openai);
  EXPECT_EQ(openai->status, 413);
  const nlohmann::json error = BodyOf(openai)["error"];
  ASSERT_TRUE(error.is_object()) << openai->body;
  EXPECT_EQ(error["type"], "invalid_request_error");
  EXPECT_NE(error["message"].get<std::string>().find("--max-request-size"), std::string::npos);

  // Blob uploads are held to their own, larger limit.
  httplib::Result blob = client.Post("/api/blobs/sha256:" + std::string(64, '0'),
                                     std::string(8192, 'x'), "application/octet-stream");
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->status, 413);
  EXPECT_NE(BodyOf(blob)["error"].get<std::string>().find("--max-blob-size"), std::string::npos)
      << blob->body;
}

TEST_F(ServingServer, ChunkedBodiesAreRefusedOutsideBlobUploads) {
  httplib::Client client = Client();
  // A content provider without a length makes httplib send the body chunked.
  httplib::Result result = client.Post(
      "/api/generate",
      [](size_t, httplib::DataSink& sink) {
        sink.write("{}", 2);
        sink.done();
        return true;
      },
      "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 411);
  EXPECT_NE(BodyOf(result)["error"].get<std::string>().find("Content-Length"), std::string::npos);
}

}  // namespace
}  // namespace hearth
