#include "store/digest.h"

#include <sodium.h>

#include <ostream>

#include "base/escaping.h"

namespace hearth {
namespace {

constexpr std::string_view kAlgorithm = "sha256";
constexpr size_t kHexDigits = 64;
constexpr char kHex[] = "0123456789abcdef";

Status BadDigest(std::string_view text, std::string_view why) {
  return InvalidArgumentError("invalid digest " + QuoteForDisplay(text) + ": " + std::string(why) +
                              "; expected 'sha256:' or 'sha256-' followed by 64 lowercase hex "
                              "digits");
}

// The value of a lowercase hex digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Checks the "sha256:" / "sha256-" prefix; says what is wrong when it is not there.
Status CheckPrefix(std::string_view text) {
  const bool has_separator =
      text.size() > kAlgorithm.size() &&
      (text[kAlgorithm.size()] == ':' || text[kAlgorithm.size()] == '-');
  if (has_separator && text.starts_with(kAlgorithm)) return OkStatus();
  const size_t separator = text.find_first_of(":-");
  if (separator == std::string_view::npos || separator == 0) {
    return BadDigest(text, "it does not start with 'sha256:' or 'sha256-'");
  }
  return BadDigest(text, "algorithm " + QuoteForDisplay(text.substr(0, separator)) +
                             " is not supported, only sha256 (lowercase)");
}

Status CheckHexDigits(std::string_view text, std::string_view hex) {
  if (hex.size() != kHexDigits) {
    return BadDigest(text, "it has " + std::to_string(hex.size()) +
                               " characters after the prefix, not 64");
  }
  for (size_t i = 0; i < hex.size(); ++i) {
    if (HexValue(hex[i]) >= 0) continue;
    const std::string where = " at byte " + std::to_string(kAlgorithm.size() + 1 + i);
    if (hex[i] >= 'A' && hex[i] <= 'F') {
      return BadDigest(text, "uppercase hex digit" + where + " (digests are written in lowercase)");
    }
    return BadDigest(text, "character " + QuoteForDisplay(hex.substr(i, 1)) + where +
                               " is not a hex digit");
  }
  return OkStatus();
}

}  // namespace

StatusOr<Digest> Digest::Parse(std::string_view text) {
  Status prefix = CheckPrefix(text);
  if (!prefix.ok()) return prefix;
  const std::string_view hex = text.substr(kAlgorithm.size() + 1);
  Status digits = CheckHexDigits(text, hex);
  if (!digits.ok()) return digits;
  Digest digest;
  for (size_t i = 0; i < digest.sha256.size(); ++i) {
    digest.sha256[i] = static_cast<uint8_t>(HexValue(hex[2 * i]) * 16 + HexValue(hex[2 * i + 1]));
  }
  return digest;
}

std::string Digest::Hex() const {
  std::string hex;
  hex.reserve(kHexDigits);
  for (const uint8_t byte : sha256) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0F];
  }
  return hex;
}

std::string Digest::ToString() const { return std::string(kAlgorithm) + ":" + Hex(); }

std::string Digest::FileName() const { return std::string(kAlgorithm) + "-" + Hex(); }

std::ostream& operator<<(std::ostream& os, const Digest& digest) {
  return os << digest.ToString();
}

struct Sha256::State {
  crypto_hash_sha256_state sodium;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  // libsodium's SHA-256 needs no global setup, but sodium_init() is the
  // documented first call into the library; it is idempotent and thread-safe.
  [[maybe_unused]] static const int initialized = sodium_init();
  crypto_hash_sha256_init(&state_->sodium);
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::Update(std::span<const uint8_t> bytes) {
  crypto_hash_sha256_update(&state_->sodium, bytes.data(), bytes.size());
}

Digest Sha256::Finish() {
  Digest digest;
  crypto_hash_sha256_final(&state_->sodium, digest.sha256.data());
  crypto_hash_sha256_init(&state_->sodium);
  return digest;
}

Digest Sha256Of(std::span<const uint8_t> bytes) {
  Sha256 hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

Digest Sha256Of(std::string_view text) {
  return Sha256Of(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace hearth
