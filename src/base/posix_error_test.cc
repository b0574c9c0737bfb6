#include "base/posix_error.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace hearth {
namespace {

TEST(PosixErrorTest, MapsErrnoToCodesAndKeepsTheSystemMessage) {
  const Status status = PosixError(EACCES, "cannot open '/x'");
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(), "cannot open '/x': Permission denied");
  EXPECT_EQ(PosixError(ENOENT, "c").code(), StatusCode::kNotFound);
  EXPECT_EQ(PosixError(EEXIST, "c").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(PosixError(ENOSPC, "c").code(), StatusCode::kInsufficientStorage);
  EXPECT_EQ(PosixError(EDQUOT, "c").code(), StatusCode::kInsufficientStorage);
  EXPECT_EQ(PosixError(EMFILE, "c").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(PosixError(EIO, "c").code(), StatusCode::kInternal);
  EXPECT_EQ(ErrnoMessage(ENOENT), "No such file or directory");
}

}  // namespace
}  // namespace hearth
