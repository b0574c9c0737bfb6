#include "auth/password.h"

#include <sodium.h>

#include <array>
#include <string>

#include "auth/sodium_init.h"

namespace hearth {

namespace {

constexpr size_t kMinPasswordBytes = 8;
constexpr size_t kMaxPasswordBytes = 1024;

Status ValidatePassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return InvalidArgumentError("the password is too short: use at least " +
                                std::to_string(kMinPasswordBytes) + " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgumentError("the password is too long: use at most " +
                                std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (password.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("the password contains a NUL character; remove it");
  }
  return OkStatus();
}

}  // namespace

PasswordHashCost PasswordHashCost::Interactive() {
  return PasswordHashCost{crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

StatusOr<std::string> HashPassword(std::string_view password, PasswordHashCost cost) {
  if (Status valid = ValidatePassword(password); !valid.ok()) return valid;
  internal::EnsureSodiumInitialized();
  const unsigned long long ops = cost.ops != 0 ? cost.ops : crypto_pwhash_OPSLIMIT_MODERATE;
  const size_t memory =
      cost.memory_bytes != 0 ? cost.memory_bytes : crypto_pwhash_MEMLIMIT_MODERATE;
  std::array<char, crypto_pwhash_STRBYTES> encoded{};
  if (crypto_pwhash_str_alg(encoded.data(), password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The only runtime failure of argon2id is failing to allocate its memory
    // (limits out of range are a programming error and fail the same way).
    return ResourceExhaustedError("hashing the password needs " + std::to_string(memory >> 20) +
                                  " MiB of memory, which could not be allocated; try again later");
  }
  return std::string(encoded.data());
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (encoded_hash.find('\0') != std::string_view::npos) return false;
  internal::EnsureSodiumInitialized();
  // crypto_pwhash_str_verify reads a NUL-terminated string.
  const std::string hash(encoded_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace hearth
