// Content digests: Digest, the SHA-256 of some bytes, and Sha256, the
// incremental hasher that computes one.
//
// A Digest names a blob in the blob store (store/blob_store.h) and appears in
// model manifests. It is written in two spellings, both from Ollama:
//   "sha256:<64 hex>"   in manifests and API responses (ToString)
//   "sha256-<64 hex>"   as the blob's file name (FileName)
// Parse accepts exactly these two forms with lowercase hex digits, the only
// spelling registries emit (the OCI image spec requires lowercase), so every
// digest has one text form and a file name built from a Digest can never hold
// anything but "sha256-" and 64 characters of [0-9a-f].
//
//   ASSIGN_OR_RETURN(Digest digest, Digest::Parse(layer.digest));
//   Sha256 hasher;
//   hasher.Update(bytes);
//   if (hasher.Finish() != digest) return FailedPreconditionError(...);
//
// Thread-safety: Digest is a value type. A Sha256 is externally synchronized
// (one thread at a time); distinct hashers are independent.

#ifndef HEARTH_STORE_DIGEST_H_
#define HEARTH_STORE_DIGEST_H_

#include <array>
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

struct Digest {
  // Parses "sha256:<hex>" or "sha256-<hex>", where <hex> is exactly 64
  // lowercase hexadecimal digits. Anything else (another algorithm, a missing
  // or misspelled prefix, a wrong length, uppercase or non-hex characters,
  // NUL bytes, surrounding whitespace) is InvalidArgument with a message that
  // quotes the input (escaped) and names the rule it broke.
  static StatusOr<Digest> Parse(std::string_view text);

  // The 64 lowercase hex digits.
  std::string Hex() const;
  // "sha256:<hex>", the form used in manifests.
  std::string ToString() const;
  // "sha256-<hex>", the blob's file name; safe to use as a path component.
  std::string FileName() const;

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

  std::array<uint8_t, 32> sha256{};
};

// Writes digest.ToString(); lets tests and logs print a Digest.
std::ostream& operator<<(std::ostream& os, const Digest& digest);

// Computes SHA-256 over bytes given in any number of pieces.
class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();

  // Adds `bytes` to the hashed stream.
  void Update(std::span<const uint8_t> bytes);

  // Returns the digest of everything added since construction (or since the
  // last Finish) and starts over with an empty stream.
  Digest Finish();

 private:
  struct State;  // libsodium's state, kept out of this header
  std::unique_ptr<State> state_;
};

// The SHA-256 of `bytes` in one call.
Digest Sha256Of(std::span<const uint8_t> bytes);
Digest Sha256Of(std::string_view text);

}  // namespace hearth

#endif  // HEARTH_STORE_DIGEST_H_
