#include "server/http_status.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

TEST(HttpStatusTest, EachCanonicalCodeHasItsHttpStatus) {
  EXPECT_EQ(HttpStatusFor(OkStatus()), 200);
  EXPECT_EQ(HttpStatusFor(InvalidArgumentError("x")), 400);
  EXPECT_EQ(HttpStatusFor(UnauthenticatedError("x")), 401);
  EXPECT_EQ(HttpStatusFor(PermissionDeniedError("x")), 403);
  EXPECT_EQ(HttpStatusFor(NotFoundError("x")), 404);
  EXPECT_EQ(HttpStatusFor(AlreadyExistsError("x")), 409);
  EXPECT_EQ(HttpStatusFor(AbortedError("x")), 409);
  EXPECT_EQ(HttpStatusFor(FailedPreconditionError("x")), 412);
  EXPECT_EQ(HttpStatusFor(ResourceExhaustedError("x")), 429);
  EXPECT_EQ(HttpStatusFor(InsufficientStorageError("x")), 507);
  EXPECT_EQ(HttpStatusFor(CancelledError("x")), 499);
  EXPECT_EQ(HttpStatusFor(UnavailableError("x")), 503);
  EXPECT_EQ(HttpStatusFor(DeadlineExceededError("x")), 504);
  EXPECT_EQ(HttpStatusFor(InternalError("x")), 500);
}

TEST(HttpStatusTest, ErrorBodyIsOllamaShapedJson) {
  auto body = nlohmann::json::parse(ErrorBody(NotFoundError("model \"x\" not found")));
  EXPECT_EQ(body["error"], "model \"x\" not found");
}

TEST(HttpStatusTest, ErrorBodyStaysValidJsonForInvalidUtf8) {
  std::string body = ErrorBody(InvalidArgumentError("bad name \xff\xfe"));
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded()) << body;
  EXPECT_NE(parsed["error"].get<std::string>().find("bad name"), std::string::npos);
}

}  // namespace
}  // namespace hearth
