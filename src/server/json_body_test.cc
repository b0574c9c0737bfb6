#include "server/json_body.h"

#include <chrono>
#include <string>
#include <string_view>

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

// `levels` nested arrays under the key "a" of an object: levels + 1 deep.
std::string Nested(int levels) {
  return R"({"a":)" + std::string(levels, '[') + std::string(levels, ']') + R"(,"b":1})";
}

TEST(ParseJsonObjectTest, AcceptsTheDepthLimit) {
  StatusOr<nlohmann::json> json = ParseJsonObject(Nested(kMaxJsonDepth - 1));
  ASSERT_TRUE(json.ok()) << json.status().message();
  EXPECT_EQ(*json, nlohmann::json::parse(Nested(kMaxJsonDepth - 1)));
}

// Regression (found by tests/fuzz/json_requests_fuzz.cc): the depth callback
// returned false past the limit, which makes nlohmann drop the value and go
// on, so a body one level too deep was accepted with its deep part silently
// missing ({"a":[[...]],"b":1} became {"a":[[...32 levels]],"b":1} minus the
// rest) and 33 levels passed a limit of 32.
TEST(ParseJsonObjectTest, RefusesOneLevelTooDeepInsteadOfDroppingIt) {
  for (int levels : {kMaxJsonDepth, kMaxJsonDepth + 8, 10'000}) {
    StatusOr<nlohmann::json> json = ParseJsonObject(Nested(levels));
    ASSERT_FALSE(json.ok()) << levels;
    EXPECT_EQ(json.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(json.status().message().find("more than 32 levels"), std::string::npos)
        << json.status().message();
  }
}

// Regression (found by tests/fuzz/json_requests_fuzz.cc): nlohmann stops at
// a NUL byte as if the input ended there, so whatever followed it was
// accepted unread.
TEST(ParseJsonObjectTest, RefusesANulByteAnywhere) {
  using namespace std::string_view_literals;
  for (std::string_view body : {"{\"a\":1}\0{\"b\":"sv, "{\"a\":\"x\0y\"}"sv, "\0"sv}) {
    StatusOr<nlohmann::json> json = ParseJsonObject(body);
    ASSERT_FALSE(json.ok());
    EXPECT_EQ(json.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(json.status().message().find("NUL"), std::string::npos) << json.status().message();
  }
}

TEST(ParseJsonObjectTest, RefusesWhatIsNotAJsonObject) {
  for (std::string_view body : {"[]", "1", "\"x\"", "{", "{\"a\":}", ""}) {
    StatusOr<nlohmann::json> json = ParseJsonObject(body);
    ASSERT_FALSE(json.ok()) << body;
    EXPECT_EQ(json.status().code(), StatusCode::kInvalidArgument) << body;
  }
}

TEST(KeepAliveFieldTest, RefusesOtherTypes) {
  StatusOr<nlohmann::json> json = ParseJsonObject(R"({"keep_alive":true})");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(KeepAliveField(*json).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth::internal
