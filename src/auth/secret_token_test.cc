#include "auth/secret_token.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace hearth {
namespace {

bool IsUrlSafeBase64(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

TEST(SecretTokenTest, IsPrefixThen43UrlSafeCharacters) {
  const std::string key = NewSecretToken(kApiKeyPrefix);
  ASSERT_TRUE(key.starts_with("hearth_sk_")) << key;
  EXPECT_EQ(key.size(), kApiKeyPrefix.size() + 43);
  EXPECT_TRUE(IsUrlSafeBase64(key.substr(kApiKeyPrefix.size()))) << key;

  const std::string bare = NewSecretToken();
  EXPECT_EQ(bare.size(), 43u);
  EXPECT_TRUE(IsUrlSafeBase64(bare)) << bare;
}

TEST(SecretTokenTest, ThousandTokensAreAllDifferent) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewSecretToken("s_"));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SecretTokenTest, HashIsLowercaseHexSha256) {
  EXPECT_EQ(HashSecretToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashSecretToken(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string key = NewSecretToken(kApiKeyPrefix);
  EXPECT_EQ(HashSecretToken(key), HashSecretToken(key));
  EXPECT_NE(HashSecretToken(key), HashSecretToken(key.substr(1)));
  EXPECT_EQ(HashSecretToken(key).find(key), std::string::npos);
}

TEST(SecretTokenTest, SecretEqualsComparesWholeStrings) {
  EXPECT_TRUE(SecretEquals("", ""));
  EXPECT_TRUE(SecretEquals("hearth_sk_abc", "hearth_sk_abc"));
  EXPECT_FALSE(SecretEquals("hearth_sk_abc", "hearth_sk_abd"));
  EXPECT_FALSE(SecretEquals("Xearth_sk_abc", "hearth_sk_abc"));
  EXPECT_FALSE(SecretEquals("hearth_sk_abc", "hearth_sk_ab"));
  EXPECT_FALSE(SecretEquals("", "a"));
  EXPECT_FALSE(SecretEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_TRUE(SecretEquals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace hearth
