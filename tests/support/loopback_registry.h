// LoopbackRegistry: a real HTTP model registry on 127.0.0.1 for tests.
//
// Speaks the part of the OCI distribution API that a pull uses, from memory:
//
//   GET /v2/<namespace>/<model>/manifests/<tag>   a manifest set with SetManifest
//   GET /v2/<namespace>/<model>/blobs/<digest>    a blob added with AddBlob
//
// (any repository serves every blob). Switches make it misbehave the ways a
// real network or registry does: corrupt blob bytes, cut a transfer short,
// ignore Range requests, redirect blob requests elsewhere. It counts requests
// and records Range headers so tests can check what a client asked for.
//
// Thread-safety: thread-safe; the server answers on its own threads.
//
// Example:
//   auto registry = LoopbackRegistry::Start();
//   Digest blob = registry->AddBlob("model bytes");
//   registry->SetManifest("library/tiny", "latest", json);
//   Pull(registry->host() + "/library/tiny:latest", {.insecure = true});
//   EXPECT_EQ(registry->blob_requests(), 1);
#ifndef HEARTH_TESTS_SUPPORT_LOOPBACK_REGISTRY_H_
#define HEARTH_TESTS_SUPPORT_LOOPBACK_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/digest.h"

namespace hearth::testing {

class LoopbackRegistry {
 public:
  // Binds 127.0.0.1 on a free port and starts serving. Aborts the test
  // binary (gtest ASSERT-style) if the socket cannot be bound: nothing in a
  // test can go on without it.
  static std::unique_ptr<LoopbackRegistry> Start();
  ~LoopbackRegistry();

  LoopbackRegistry(const LoopbackRegistry&) = delete;
  LoopbackRegistry& operator=(const LoopbackRegistry&) = delete;

  // "127.0.0.1:<port>", the host part of a model name.
  std::string host() const;
  // "http://127.0.0.1:<port>", a base URL.
  std::string base_url() const;

  // Serves `bytes` under their SHA-256 digest, which is returned.
  Digest AddBlob(std::string bytes);
  // Serves `bytes` under `digest`, whatever their real digest.
  void AddBlobAs(const Digest& digest, std::string bytes);
  // Serves `json` as the manifest of `repository` ("namespace/model") at `tag`.
  void SetManifest(const std::string& repository, const std::string& tag, std::string json);

  // Flips the last byte of every blob served from now on (same length).
  void set_corrupt_blobs(bool corrupt);
  // The next blob response whose body is longer than `bytes` sends only
  // `bytes` bytes of it (promising the full length, when Range is honored)
  // and then drops the connection. One-shot.
  void CutNextBlobAfter(uint64_t bytes);
  // When false, Range headers are ignored: blobs are sent whole with 200
  // and without a Content-Length. Default true (206 with the range).
  void set_honor_range(bool honor);
  // When true, blob requests are answered with a 307 redirect to
  // /cdn/<digest> on the same server.
  void set_redirect_blobs(bool redirect);

  // Requests seen so far.
  int requests() const;
  int manifest_requests() const;
  int blob_requests() const;  // a redirect is not counted, its target is
  // The Range header of every blob request that had one, in order.
  std::vector<std::string> ranges() const;

 private:
  class Impl;
  explicit LoopbackRegistry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A manifest's JSON text as a registry serves it, from (digest, size) pairs;
// the layers get the given media types.
struct TestLayer {
  std::string media_type;
  Digest digest;
  uint64_t size = 0;
};
std::string MakeManifestJson(const TestLayer& config, const std::vector<TestLayer>& layers);

}  // namespace hearth::testing

#endif  // HEARTH_TESTS_SUPPORT_LOOPBACK_REGISTRY_H_
