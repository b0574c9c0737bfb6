#include "base/status_macros.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

namespace hearth {
namespace {

Status FailIf(bool fail, int* calls) {
  ++*calls;
  return fail ? InvalidArgumentError("failed") : OkStatus();
}

StatusOr<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgumentError(std::to_string(n) + " is odd");
  return n / 2;
}

StatusOr<std::unique_ptr<int>> Boxed(int n) {
  if (n < 0) return InvalidArgumentError(std::to_string(n) + " is negative");
  return std::make_unique<int>(n);
}

TEST(ReturnIfErrorTest, ContinuesOnOkAndEvaluatesOnce) {
  int calls = 0;
  auto run = [&]() -> Status {
    RETURN_IF_ERROR(FailIf(false, &calls));
    RETURN_IF_ERROR(FailIf(false, &calls));
    return NotFoundError("reached the end");
  };
  EXPECT_EQ(run(), NotFoundError("reached the end"));
  EXPECT_EQ(calls, 2);
}

TEST(ReturnIfErrorTest, ReturnsTheFirstError) {
  int calls = 0;
  auto run = [&]() -> Status {
    RETURN_IF_ERROR(FailIf(true, &calls));
    RETURN_IF_ERROR(FailIf(false, &calls));
    return OkStatus();
  };
  EXPECT_EQ(run(), InvalidArgumentError("failed"));
  EXPECT_EQ(calls, 1);
}

TEST(ReturnIfErrorTest, WorksInStatusOrFunctionAndUnbracedIf) {
  int calls = 0;
  auto run = [&](bool fail) -> StatusOr<int> {
    if (fail)
      RETURN_IF_ERROR(FailIf(true, &calls));
    else
      RETURN_IF_ERROR(FailIf(false, &calls));
    return 1;
  };
  EXPECT_EQ(run(true).status(), InvalidArgumentError("failed"));
  EXPECT_EQ(run(false).value(), 1);
}

TEST(AssignOrReturnTest, DeclaresAndAssigns) {
  auto run = [](int n) -> StatusOr<int> {
    ASSIGN_OR_RETURN(auto half, Half(n));
    ASSIGN_OR_RETURN(const int quarter, Half(half));
    return quarter;
  };
  EXPECT_EQ(run(8).value(), 2);
  EXPECT_EQ(run(6).status(), InvalidArgumentError("3 is odd"));
  EXPECT_EQ(run(7).status(), InvalidArgumentError("7 is odd"));
}

TEST(AssignOrReturnTest, AssignsExistingVariable) {
  auto run = [](int n, int* out) -> Status {
    ASSIGN_OR_RETURN(*out, Half(n));
    return OkStatus();
  };
  int value = -1;
  EXPECT_TRUE(run(10, &value).ok());
  EXPECT_EQ(value, 5);
  EXPECT_EQ(run(3, &value), InvalidArgumentError("3 is odd"));
  EXPECT_EQ(value, 5);
}

TEST(AssignOrReturnTest, MovesMoveOnlyValues) {
  auto run = [](int n) -> StatusOr<int> {
    ASSIGN_OR_RETURN(std::unique_ptr<int> box, Boxed(n));
    return *box + 1;
  };
  EXPECT_EQ(run(41).value(), 42);
  EXPECT_EQ(run(-1).status().code(), StatusCode::kInvalidArgument);
}

TEST(AssignOrReturnTest, AcceptsExpressionsWithCommas) {
  auto run = []() -> StatusOr<size_t> {
    ASSIGN_OR_RETURN(auto map, StatusOr<std::map<int, int>>(std::map<int, int>{{1, 2}}));
    return map.size();
  };
  EXPECT_EQ(run().value(), 1u);
}

}  // namespace
}  // namespace hearth
