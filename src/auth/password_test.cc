#include "auth/password.h"

#include <string>

#include "gtest/gtest.h"

namespace hearth {
namespace {

const PasswordHashCost kFast = PasswordHashCost::Interactive();

TEST(PasswordTest, HashVerifiesTheSamePasswordOnly) {
  StatusOr<std::string> hash = HashPassword("correct horse battery", kFast);
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery "));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordTest, TwoHashesOfOnePasswordDifferBySalt) {
  StatusOr<std::string> first = HashPassword("same password", kFast);
  StatusOr<std::string> second = HashPassword("same password", kFast);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(VerifyPassword(*first, "same password"));
  EXPECT_TRUE(VerifyPassword(*second, "same password"));
}

TEST(PasswordTest, CostLimitsAreEncodedInTheHash) {
  PasswordHashCost interactive = PasswordHashCost::Interactive();
  EXPECT_GT(interactive.ops, 0u);
  EXPECT_GT(interactive.memory_bytes, 0u);
  // Hashing at the default cost is slow by design, so only the encoding of
  // the limits is checked on a fast hash: the memory parameter is in KiB.
  StatusOr<std::string> hash = HashPassword("twelve chars", kFast);
  ASSERT_TRUE(hash.ok());
  EXPECT_NE(hash->find("m=" + std::to_string(interactive.memory_bytes / 1024) + ","),
            std::string::npos)
      << *hash;
}

TEST(PasswordTest, AcceptsTheBoundaryLengths) {
  EXPECT_TRUE(HashPassword(std::string(8, 'a'), kFast).ok());
  StatusOr<std::string> longest = HashPassword(std::string(1024, 'b'), kFast);
  ASSERT_TRUE(longest.ok()) << longest.status();
  EXPECT_TRUE(VerifyPassword(*longest, std::string(1024, 'b')));
}

TEST(PasswordTest, RejectsTooShortTooLongAndNul) {
  StatusOr<std::string> short_one = HashPassword("1234567", kFast);
  EXPECT_EQ(short_one.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(short_one.status().message().find("at least 8"), std::string::npos)
      << short_one.status();
  StatusOr<std::string> long_one = HashPassword(std::string(1025, 'x'), kFast);
  EXPECT_EQ(long_one.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(long_one.status().message().find("at most 1024"), std::string::npos);
  StatusOr<std::string> nul = HashPassword(std::string("password\0tail", 13), kFast);
  EXPECT_EQ(nul.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(nul.status().message().find("NUL"), std::string::npos);
}

TEST(PasswordTest, GarbageHashesNeverVerify) {
  StatusOr<std::string> hash = HashPassword("a good password", kFast);
  ASSERT_TRUE(hash.ok());
  std::string truncated = hash->substr(0, hash->size() / 2);
  std::string flipped = *hash;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string& garbage :
       {std::string(), std::string("not a hash"), std::string("$argon2id$"), truncated, flipped,
        std::string("$argon2id$v=19$m=abc,t=1,p=1$$"), std::string(*hash + '\0'),
        std::string(500, '$')}) {
    EXPECT_FALSE(VerifyPassword(garbage, "a good password")) << garbage;
  }
}

}  // namespace
}  // namespace hearth
