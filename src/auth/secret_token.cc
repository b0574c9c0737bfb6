#include "auth/secret_token.h"

#include <sodium.h>

#include <array>

#include "auth/sodium_init.h"

namespace hearth {

namespace {

constexpr size_t kTokenBytes = 32;

}  // namespace

std::string NewSecretToken(std::string_view prefix) {
  internal::EnsureSodiumInitialized();
  std::array<unsigned char, kTokenBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  // The encoded length includes the terminating NUL that sodium writes.
  std::array<char, sodium_base64_ENCODED_LEN(kTokenBytes, kVariant)> encoded;
  sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(), kVariant);
  sodium_memzero(bytes.data(), bytes.size());
  std::string token(prefix);
  token += encoded.data();
  sodium_memzero(encoded.data(), encoded.size());
  return token;
}

std::string HashSecretToken(std::string_view token) {
  internal::EnsureSodiumInitialized();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex;
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), hex.size() - 1);
}

bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  internal::EnsureSodiumInitialized();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hearth
