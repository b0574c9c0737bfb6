#include "server/http_server.h"

#include <chrono>
#include <thread>

#include "gtest/gtest.h"
#include "httplib.h"

namespace hearth {
namespace {

ServerOptions LoopbackAnyPort() {
  ServerOptions options;
  options.port = 0;
  options.worker_threads = 2;
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

}  // namespace
}  // namespace hearth
