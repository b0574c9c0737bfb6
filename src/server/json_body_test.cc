#include "server/json_body.h"

#include <chrono>

#include "gtest/gtest.h"

namespace hearth::internal {
namespace {

using std::chrono::seconds;

std::optional<seconds> KeepAlive(std::string_view body) {
  StatusOr<nlohmann::json> json = ParseJsonObject(body);
  EXPECT_TRUE(json.ok()) << json.status().message();
  StatusOr<std::optional<seconds>> keep_alive = KeepAliveField(*json);
  EXPECT_TRUE(keep_alive.ok()) << keep_alive.status().message();
  return keep_alive.ok() ? *keep_alive : std::nullopt;
}

TEST(KeepAliveFieldTest, ReadsSecondsAndDurations) {
  EXPECT_EQ(KeepAlive(R"({"keep_alive":300})"), seconds(300));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":"5m"})"), seconds(300));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":0})"), seconds(0));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":-1})"), seconds(-1));
  EXPECT_EQ(KeepAlive(R"({})"), std::nullopt);
}

// Regression (found by tests/fuzz/ollama_requests_fuzz.cc): a huge keep_alive
// was cast from double with undefined behaviour, and one that fit overflowed
// the clock when the scheduler added it to the current time, so a model
// asked to stay loaded for 1e10 s could be unloaded at once.
TEST(KeepAliveFieldTest, HugeValuesMeanForever) {
  EXPECT_EQ(KeepAlive(R"({"keep_alive":1e10})"), seconds(-1));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":1e300})"), seconds(-1));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":-1e300})"), seconds(-1));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":"3000000h"})"), seconds(-1));
  EXPECT_EQ(KeepAlive(R"({"keep_alive":"876000h"})"), kMaxKeepAlive);
}

TEST(KeepAliveFieldTest, RefusesOtherTypes) {
  StatusOr<nlohmann::json> json = ParseJsonObject(R"({"keep_alive":true})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(KeepAliveField(*json).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth::internal
