// Secret tokens: session ids, CSRF tokens and API keys. Each is 32 random
// bytes (libsodium's randombytes_buf) in URL-safe base64, behind a prefix
// that says what it is ("hearth_sk_" for API keys). Only their SHA-256
// (hex) is stored, so a stolen database holds no usable secret.
//
// Thread-safety: thread-safe.
#ifndef HEARTH_AUTH_SECRET_TOKEN_H_
#define HEARTH_AUTH_SECRET_TOKEN_H_

#include <string>
#include <string_view>

namespace hearth {

inline constexpr std::string_view kApiKeyPrefix = "hearth_sk_";

// `prefix` followed by 43 characters of URL-safe base64 (no padding).
std::string NewSecretToken(std::string_view prefix = "");

// The stored form: lowercase hex SHA-256 of the whole token.
std::string HashSecretToken(std::string_view token);

// Constant-time comparison of equal-length strings (false when lengths differ).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace hearth

#endif  // HEARTH_AUTH_SECRET_TOKEN_H_
