// Passwords: hashed with argon2id (libsodium's crypto_pwhash_str, moderate
// limits), never stored or logged in clear.
//
// Thread-safety: thread-safe. Hashing takes ~0.1-0.5 s and ~256 MiB of
// memory by design (interactive limits are used for tests: see the options).
#ifndef HEARTH_AUTH_PASSWORD_H_
#define HEARTH_AUTH_PASSWORD_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

struct PasswordHashCost {
  unsigned long long ops = 0;   // 0: libsodium's MODERATE ops limit
  size_t memory_bytes = 0;      // 0: libsodium's MODERATE mem limit
  // Libsodium's INTERACTIVE limits: for tests and small machines.
  static PasswordHashCost Interactive();
};

// InvalidArgument when the password is shorter than 8 bytes or longer than
// 1024, or contains a NUL; ResourceExhausted when libsodium runs out of
// memory. Returns the encoded hash ("$argon2id$v=19$...").
StatusOr<std::string> HashPassword(std::string_view password, PasswordHashCost cost = {});

// True when `password` matches `encoded_hash` (constant time in the password).
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace hearth

#endif  // HEARTH_AUTH_PASSWORD_H_
