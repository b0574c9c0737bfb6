#include "base/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>

namespace hearth {
namespace {

TEST(StatusTest, DefaultIsOk) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "OK");
  EXPECT_EQ(status, OkStatus());
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  const Status status = NotFoundError("model 'x' is not in the store");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "model 'x' is not in the store");
  EXPECT_EQ(status.ToString(), "NOT_FOUND: model 'x' is not in the store");
}

TEST(StatusTest, ToStringWithoutMessageIsJustTheName) {
  EXPECT_EQ(Status(StatusCode::kInternal, "").ToString(), "INTERNAL");
}

TEST(StatusTest, OkDropsMessageSoAllOkStatusesAreEqual) {
  const Status status(StatusCode::kOk, "ignored");
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status, OkStatus());
}

TEST(StatusTest, FactoriesProduceTheirCodes) {
  const std::pair<Status, std::string_view> cases[] = {
      {CancelledError("m"), "CANCELLED"},
      {InvalidArgumentError("m"), "INVALID_ARGUMENT"},
      {DeadlineExceededError("m"), "DEADLINE_EXCEEDED"},
      {NotFoundError("m"), "NOT_FOUND"},
      {AlreadyExistsError("m"), "ALREADY_EXISTS"},
      {PermissionDeniedError("m"), "PERMISSION_DENIED"},
      {ResourceExhaustedError("m"), "RESOURCE_EXHAUSTED"},
      {FailedPreconditionError("m"), "FAILED_PRECONDITION"},
      {UnavailableError("m"), "UNAVAILABLE"},
      {InternalError("m"), "INTERNAL"},
      {UnauthenticatedError("m"), "UNAUTHENTICATED"},
      {AbortedError("m"), "ABORTED"},
      {InsufficientStorageError("m"), "INSUFFICIENT_STORAGE"},
  };
  for (const auto& [status, name] : cases) {
    EXPECT_FALSE(status.ok());
    EXPECT_EQ(StatusCodeName(status.code()), name);
    EXPECT_EQ(status.ToString(), std::string(name) + ": m");
  }
}

TEST(StatusTest, CodeNames) {
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "OK");
  EXPECT_EQ(StatusCodeName(StatusCode::kFailedPrecondition), "FAILED_PRECONDITION");
  EXPECT_EQ(StatusCodeName(static_cast<StatusCode>(99)), "UNKNOWN");
}

TEST(StatusTest, EqualityComparesCodeAndMessage) {
  EXPECT_EQ(NotFoundError("a"), NotFoundError("a"));
  EXPECT_NE(NotFoundError("a"), NotFoundError("b"));
  EXPECT_NE(NotFoundError("a"), InternalError("a"));
  EXPECT_NE(NotFoundError("a"), OkStatus());
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  const Status status = NotFoundError("no such file").WithContext("loading config");
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "loading config: no such file");
  EXPECT_EQ(OkStatus().WithContext("loading config"), OkStatus());
}

TEST(StatusTest, StreamsAsToString) {
  std::ostringstream out;
  out << InvalidArgumentError("bad");
  EXPECT_EQ(out.str(), "INVALID_ARGUMENT: bad");
}

TEST(StatusOrTest, HoldsValue) {
  const StatusOr<int> result = 42;
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.status().ok());
  EXPECT_EQ(result.value(), 42);
  EXPECT_EQ(*result, 42);
}

TEST(StatusOrTest, HoldsError) {
  const StatusOr<int> result = NotFoundError("gone");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status(), NotFoundError("gone"));
}

TEST(StatusOrTest, MoveOnlyValue) {
  StatusOr<std::unique_ptr<int>> result = std::make_unique<int>(7);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(**result, 7);
  std::unique_ptr<int> taken = std::move(result).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(StatusOrTest, MoveOnlyStatusOrCanBeMoved) {
  StatusOr<std::unique_ptr<int>> first = std::make_unique<int>(3);
  StatusOr<std::unique_ptr<int>> second = std::move(first);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(**second, 3);
}

struct Base {
  virtual ~Base() = default;
  virtual int Id() const { return 1; }
};
struct Derived : Base {
  int Id() const override { return 2; }
};

StatusOr<std::unique_ptr<Base>> MakeDerived() { return std::make_unique<Derived>(); }

TEST(StatusOrTest, ConvertsFromConvertibleValue) {
  StatusOr<std::unique_ptr<Base>> result = MakeDerived();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)->Id(), 2);
  const StatusOr<std::string> text = "literal";
  EXPECT_EQ(*text, "literal");
}

TEST(StatusOrTest, ArrowAccessesMembers) {
  StatusOr<std::string> result = std::string("hello");
  EXPECT_EQ(result->size(), 5u);
  result->append("!");
  EXPECT_EQ(*result, "hello!");
}

TEST(StatusOrTest, ValueOr) {
  const StatusOr<int> good = 1;
  const StatusOr<int> bad = InternalError("x");
  EXPECT_EQ(good.value_or(5), 1);
  EXPECT_EQ(bad.value_or(5), 5);
  EXPECT_EQ(StatusOr<std::unique_ptr<int>>(InternalError("x")).value_or(nullptr), nullptr);
}

TEST(StatusOrTest, StatusCanBeMovedOut) {
  StatusOr<int> result = UnavailableError("busy");
  const Status status = std::move(result).status();
  EXPECT_EQ(status, UnavailableError("busy"));
}

#ifdef NDEBUG
TEST(StatusOrTest, ConstructionFromOkStatusBecomesInternalError) {
  const StatusOr<int> result = OkStatus();
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
}
#else
TEST(StatusOrDeathTest, ConstructionFromOkStatusAssertsInDebug) {
  EXPECT_DEATH({ const StatusOr<int> result = OkStatus(); }, "OK Status");
}
#endif

TEST(StatusOrDeathTest, ValueOfErrorAborts) {
  const StatusOr<int> result = NotFoundError("model 'x'");
  EXPECT_DEATH({ static_cast<void>(result.value()); }, "NOT_FOUND: model 'x'");
}

}  // namespace
}  // namespace hearth
