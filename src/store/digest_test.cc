#include "store/digest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hearth {
namespace {

using ::testing::HasSubstr;

// FIPS 180-2 known answers.
constexpr char kEmptyHex[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcHex[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

void ExpectRejected(std::string_view text, std::string_view reason) {
  const StatusOr<Digest> digest = Digest::Parse(text);
  ASSERT_FALSE(digest.ok()) << "accepted " << ::testing::PrintToString(std::string(text));
  EXPECT_EQ(digest.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(digest.status().message(), HasSubstr("invalid digest '"));
  EXPECT_THAT(digest.status().message(), HasSubstr(std::string(reason)));
}

TEST(DigestTest, Sha256KnownAnswers) {
  EXPECT_EQ(Sha256Of("").Hex(), kEmptyHex);
  EXPECT_EQ(Sha256Of("abc").Hex(), kAbcHex);
  // Two blocks: the 56-byte message from FIPS 180-2.
  EXPECT_EQ(Sha256Of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").Hex(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(DigestTest, HashingInPiecesEqualsHashingAtOnce) {
  std::string text(100000, '\0');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>(i * 31 + 7);
  Sha256 hasher;
  for (size_t at = 0; at < text.size(); at += 777) {
    const std::string_view piece = std::string_view(text).substr(at, 777);
    hasher.Update(std::span(reinterpret_cast<const uint8_t*>(piece.data()), piece.size()));
  }
  EXPECT_EQ(hasher.Finish(), Sha256Of(text));
  // Finish starts the hasher over.
  EXPECT_EQ(hasher.Finish().Hex(), kEmptyHex);
}

TEST(DigestTest, ParsesBothSpellingsToTheSameValue) {
  const StatusOr<Digest> colon = Digest::Parse(std::string("sha256:") + kAbcHex);
  const StatusOr<Digest> dash = Digest::Parse(std::string("sha256-") + kAbcHex);
  ASSERT_TRUE(colon.ok()) << colon.status();
  ASSERT_TRUE(dash.ok()) << dash.status();
  EXPECT_EQ(*colon, *dash);
  EXPECT_EQ(*colon, Sha256Of("abc"));
  EXPECT_EQ(colon->ToString(), std::string("sha256:") + kAbcHex);
  EXPECT_EQ(colon->FileName(), std::string("sha256-") + kAbcHex);
}

TEST(DigestTest, RoundTripsThroughText) {
  const Digest digest = Sha256Of("round trip");
  EXPECT_EQ(Digest::Parse(digest.ToString()).value(), digest);
  EXPECT_EQ(Digest::Parse(digest.FileName()).value(), digest);
}

TEST(DigestTest, RejectsPathTraversalAndShortOrLongHex) {
  ExpectRejected("sha256:../../etc", "9 characters after the prefix, not 64");
  ExpectRejected("sha256-../../../etc/passwd", "not 64");
  ExpectRejected(std::string("sha256:") + std::string(kAbcHex).substr(0, 63), "63 characters");
  ExpectRejected(std::string("sha256:") + kAbcHex + "0", "65 characters");
  ExpectRejected("sha256:", "0 characters");
  ExpectRejected(std::string("sha256:") + kAbcHex + "/../x", "not 64");
}

TEST(DigestTest, RejectsNonHexUppercaseAndNul) {
  std::string hex = kAbcHex;
  hex[10] = 'g';
  ExpectRejected("sha256:" + hex, "character 'g' at byte 17 is not a hex digit");
  hex[10] = 'A';
  ExpectRejected("sha256:" + hex, "uppercase hex digit at byte 17");
  hex[10] = '\0';
  ExpectRejected("sha256:" + hex, "character '\\x00' at byte 17");
  hex[10] = '/';
  ExpectRejected("sha256:" + hex, "character '/'");
}

TEST(DigestTest, RejectsOtherAlgorithmsAndPrefixes) {
  ExpectRejected(std::string("md5:") + kAbcHex, "algorithm 'md5' is not supported");
  ExpectRejected(std::string("sha512-") + kAbcHex, "algorithm 'sha512' is not supported");
  ExpectRejected(std::string("SHA256:") + kAbcHex, "algorithm 'SHA256' is not supported");
  ExpectRejected(kAbcHex, "does not start with 'sha256:' or 'sha256-'");
  ExpectRejected("", "does not start with");
  ExpectRejected(std::string(":") + kAbcHex, "does not start with");
  ExpectRejected(std::string("sha256_") + kAbcHex, "does not start with");
  ExpectRejected(std::string(" sha256:") + kAbcHex, "algorithm ' sha256'");
  ExpectRejected(std::string("sha256:") + kAbcHex + "\n", "65 characters");
  ExpectRejected(std::string("sha256@") + kAbcHex, "does not start with");
}

TEST(DigestTest, MessageEscapesHostileInput) {
  const StatusOr<Digest> digest = Digest::Parse("md5:\x1b[31mred\n");
  ASSERT_FALSE(digest.ok());
  EXPECT_THAT(digest.status().message(), HasSubstr("'md5:\\x1b[31mred\\n'"));
  EXPECT_EQ(digest.status().message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace hearth
