// RemoteBackend: an InferenceBackend whose work runs on another server, an
// Ollama (/api) or OpenAI-compatible (/v1) endpoint, for a model entry with a
// remote layer (ResolvedModel::remote). Nothing is loaded here: the scheduler
// records it with 0 bytes and the requests are forwarded over HTTP
// (models/http_fetcher.h).
//
//   api "ollama": Generate → POST {base}/api/generate (raw, streamed NDJSON);
//                 Embed    → POST {base}/api/embed
//   api "openai": Generate → POST {base}/completions (streamed SSE);
//                 Embed    → POST {base}/embeddings      ({base} ends in /v1)
//
// The prompt is sent as given (already formatted). When the entry names an
// api_key_env, that environment variable is read at each request and sent as
// "Authorization: Bearer <key>"; an unset or empty variable is
// FailedPrecondition naming it.
//
// Errors (besides those of inference.h):
//   Unavailable          the provider cannot be reached, the connection broke,
//                        or it answered 5xx ("cannot reach remote provider
//                        http://gpu:11434: ..."); the scheduler then drops
//                        the entry, the next request opens it again
//   DeadlineExceeded     no connection in time, or the stream stalled
//   NotFound             the provider does not know the model (HTTP 404)
//   PermissionDenied     HTTP 401/403 (a missing or wrong API key)
//   InvalidArgument      HTTP 400, the provider's message quoted
//   Internal             an {"error": ...} in the stream, or a reply that is
//                        not the expected JSON, or larger than the limits
//   FailedPrecondition   Tokenize, Detokenize and Rerank: a remote model
//                        cannot do these here
//
// Thread-safety: thread-safe; each request uses its own connection.
#ifndef HEARTH_MODELS_REMOTE_BACKEND_H_
#define HEARTH_MODELS_REMOTE_BACKEND_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/environment.h"
#include "base/status.h"
#include "models/inference.h"
#include "models/model_store.h"

namespace hearth {

struct RemoteBackendOptions {
  // Longest line of a streamed reply (NDJSON or SSE).
  size_t max_line_bytes = 1 << 20;
  // Largest whole reply (an embedding batch is one JSON document).
  size_t max_response_bytes = size_t{256} << 20;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // A reply that sends nothing for this long is abandoned (DeadlineExceeded);
  // generous, for a long prompt on a busy GPU.
  std::chrono::seconds stall_timeout = std::chrono::seconds(300);
  // Where the API key variable is read (nullptr: this process's environment).
  // Not owned; must outlive the backend.
  const Environment* environment = nullptr;
};

class RemoteBackend : public InferenceBackend {
 public:
  // Checks `remote` (ValidateRemoteModel) and makes a backend for it; does not
  // contact the provider (the first request does). `display_name` names the
  // model in messages.
  static StatusOr<std::unique_ptr<RemoteBackend>> Open(const RemoteModel& remote,
                                                       std::string display_name,
                                                       RemoteBackendOptions options = {});

  StatusOr<GenerateResult> Generate(const GenerateRequest& request, const PieceCallback& on_piece,
                                    std::stop_token stop) override;
  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token stop) override;
  StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token stop) override;
  StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) override;
  StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) override;
  // All zeros except active_requests: nothing is resident here.
  StatusOr<InferenceStats> Stats() override;

 private:
  RemoteBackend(RemoteModel remote, std::string display_name, RemoteBackendOptions options);

  bool IsOpenAi() const;
  // base_url + the path for this api.
  std::string UrlOf(std::string_view ollama_path, std::string_view openai_path) const;
  // POSTs `body` (JSON) to `url`, the reply's body to `on_body`; returns `url`
  // for messages. Errors as in the file comment.
  StatusOr<std::string> Post(const std::string& url, const std::string& body,
                             const std::function<Status(std::span<const uint8_t>)>& on_body,
                             std::stop_token stop) const;

  const RemoteModel remote_;
  const std::string display_name_;
  const RemoteBackendOptions options_;
  std::atomic<int32_t> active_requests_{0};
};

}  // namespace hearth

#endif  // HEARTH_MODELS_REMOTE_BACKEND_H_
