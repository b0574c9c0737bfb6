// Pulling models from a registry: `hearth pull NAME`, and later /api/pull.
//
// A registry speaks the OCI distribution API, as Ollama's does:
//
//   GET {base}/v2/{namespace}/{model}/manifests/{tag}   the manifest (JSON)
//   GET {base}/v2/{namespace}/{model}/blobs/{digest}    one layer's bytes
//
// The base URL follows from the name's host: registry.ollama.ai uses
// PullOptions::registry_url, hf.co and huggingface.co (GGUF repositories on
// Hugging Face, "hf.co/ORG/REPO:Q4_K_M") use PullOptions::hf_endpoint, and
// any other host is https://<host> (http://<host> with `insecure`).
//
// A pull fetches the manifest (at most kMaxManifestBytes), then every layer
// and the config that the blob store does not hold yet, up to
// `parallel_streams` at a time. Each blob is written to a temporary file
// named after its digest (BlobStore::ResumeWriter): an interrupted transfer
// leaves that file in blobs/tmp/, and the next pull of any model with that
// layer continues it with an HTTP Range request. A blob is renamed into
// place only after its size and SHA-256 match the manifest; a server that
// sends more bytes than declared, or bytes with another digest, is refused
// and the partial data deleted. The model layer must pass GGUF
// pre-validation (models/gguf_file.h). The manifest is installed last
// (ModelStore::PutManifest), so a model is never visible half pulled: an
// error at any step leaves no manifest and no unverified blob under a final
// name.
//
// Errors (Status codes):
//   InvalidArgument     a bad name (before any request), a manifest that does
//                       not parse or is too large, a model layer that is not
//                       valid GGUF, a refused URL (http without insecure)
//   NotFound            the registry does not know the model or a blob
//   FailedPrecondition  a digest mismatch, a blob larger than declared
//   Unauthenticated / PermissionDenied   the registry refused (401 / 403)
//   Unavailable         the registry cannot be reached, answered 5xx, or
//                       the connection broke (pull again to resume)
//   DeadlineExceeded    the registry stalled
//   Cancelled           the stop token was triggered (partial data is kept
//                       for a resume)
//
// Thread-safety: Pull may be called from several threads at once (two pulls
// of models that share a layer: the second waits for nothing and fails with
// Unavailable on that layer). The progress callback is called from the
// pulling threads, one call at a time.
//
// Example:
//   ModelPuller puller(store, {.registry_url = "https://registry.ollama.ai"});
//   RETURN_IF_ERROR(puller.Pull("llama3.2:1b", [](const PullProgress& p) {
//     std::cout << p.status << " " << p.completed << "/" << p.total << "\n";
//   }));
#ifndef HEARTH_MODELS_MODEL_PULLER_H_
#define HEARTH_MODELS_MODEL_PULLER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/status.h"
#include "models/model_name.h"
#include "models/model_store.h"

namespace hearth {

inline constexpr std::string_view kDefaultRegistryUrl = "https://registry.ollama.ai";
inline constexpr std::string_view kDefaultHfEndpoint = "https://hf.co";

struct PullOptions {
  // The base URL for names on registry.ollama.ai ($HEARTH_REGISTRY_URL).
  std::string registry_url = std::string(kDefaultRegistryUrl);
  // The base URL for names on hf.co / huggingface.co ($HEARTH_HF_ENDPOINT).
  std::string hf_endpoint = std::string(kDefaultHfEndpoint);
  // Allow plain http: for a name's own host (127.0.0.1:5000/ns/model) and
  // for redirects. registry_url and hf_endpoint may be http:// regardless,
  // since they were configured explicitly.
  bool insecure = false;
  // Blobs downloaded at the same time (at least 1).
  int parallel_streams = 3;
  // Times a blob's transfer is resumed within one pull after the connection
  // broke or stalled (0: fail at once; the next pull resumes).
  int retries = 2;
  // Connection timeout and stall detection (see HttpFetchOptions).
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(30);
  std::chrono::seconds stall_timeout = std::chrono::seconds(60);
  // Redirects followed per request.
  int max_redirects = 10;
};

// One progress event, shaped like a line of Ollama's /api/pull stream:
//   {"status": "pulling manifest"}
//   {"status": "pulling 6a0746a1ec1a", "digest": "sha256:6a07…", "total": N, "completed": M}
//   {"status": "verifying sha256 digest"}
//   {"status": "writing manifest"}
//   {"status": "success"}
struct PullProgress {
  std::string status;
  std::string digest;  // "sha256:<hex>" for a blob's events, else ""
  uint64_t total = 0;
  uint64_t completed = 0;
};

using PullProgressCallback = std::function<void(const PullProgress& progress)>;

// The URL of `name`'s manifest under `options` (exposed for tests and for
// messages). Errors: InvalidArgument when the base URL is unusable.
StatusOr<std::string> ManifestUrl(const ModelName& name, const PullOptions& options);

class ModelPuller {
 public:
  // `store` must outlive the puller.
  ModelPuller(ModelStore& store, PullOptions options);

  // Pulls `name` (parsed with ParseModelName) into the store and installs it.
  // `progress` may be empty. Errors: see the file comment.
  Status Pull(std::string_view name, const PullProgressCallback& progress = {},
              std::stop_token stop = {}) const;

 private:
  ModelStore& store_;
  PullOptions options_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_PULLER_H_
