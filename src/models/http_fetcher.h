// HttpFetcher: HTTP(S) GET (and POST) for the model puller and the remote
// providers (models/remote_backend.h), private to models/.
//
// A thin wrapper over libcurl (which appears only in http_fetcher.cc): one
// GET (or POST, when HttpRequest::post_body is set) per call, redirects
// followed up to a limit, the body streamed to a callback, an optional
// "Range: bytes=N-", timeouts against a dead or stalled server, and
// cancellation through a std::stop_token. Only the body of a 2xx
// response reaches the callback; the start of any other response's body is
// kept in HttpResponse::error_body for the error message.
//
// Errors are Status values whose message names the host:
//   Unavailable        the host cannot be reached or the connection broke
//                      ("cannot reach registry.ollama.ai: Could not resolve
//                      host ..."), too many redirects, a refused protocol
//   DeadlineExceeded   no connection within connect_timeout, or less than
//                      low_speed_bytes arrived per second for low_speed_time
//   Cancelled          the stop token was triggered
//   (any)              a callback's own error, returned unchanged
// A non-2xx status is not an error of Fetch: the caller reads
// HttpResponse::status and decides.
//
// Thread-safety: thread-safe. Each Fetch uses its own connection; callbacks
// run on the calling thread.
//
// Example:
//   HttpFetcher fetcher({.allow_http = false});
//   ASSIGN_OR_RETURN(HttpResponse response,
//       fetcher.Fetch({.url = url, .range_start = writer.bytes_written()},
//                     on_head, [&](std::span<const uint8_t> bytes) {
//                       return writer.Append(bytes);
//                     }, stop));
//   if (response.status != 206) ...
#ifndef HEARTH_MODELS_HTTP_FETCHER_H_
#define HEARTH_MODELS_HTTP_FETCHER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace hearth {

struct HttpFetchOptions {
  // Allow plain http:// (for the first URL and for redirects). Off: https only.
  bool allow_http = false;
  // Redirects followed before giving up with Unavailable.
  int max_redirects = 10;
  // How long connecting (DNS, TCP, TLS) may take.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(30);
  // The transfer is abandoned (DeadlineExceeded) when fewer than
  // low_speed_bytes per second arrive for low_speed_time.
  uint64_t low_speed_bytes = 1;
  std::chrono::seconds low_speed_time = std::chrono::seconds(60);
  // Sent as User-Agent.
  std::string user_agent = "hearth";
};

struct HttpRequest {
  std::string url;
  // Extra request headers, e.g. {"Accept", "application/json"}.
  std::vector<std::pair<std::string, std::string>> headers;
  // Sends "Range: bytes=<n>-" when set (and non-zero).
  std::optional<uint64_t> range_start;
  // When set, the request is a POST with this body (give the Content-Type in
  // `headers`); redirects are then not followed.
  std::optional<std::string> post_body;
};

struct HttpResponse {
  // The final response's status code (after redirects).
  int status = 0;
  // Content-Length of the final response, when the server sent one.
  std::optional<uint64_t> content_length;
  // The URL that answered, after redirects.
  std::string effective_url;
  // The first bytes (at most 4 KiB) of a non-2xx response's body.
  std::string error_body;
};

// Called once for a 2xx response, before its first body byte, with status,
// content_length and effective_url set. A non-OK return
// aborts the transfer and becomes Fetch's result.
using HttpHeadCallback = std::function<Status(const HttpResponse& head)>;
// Called with each piece of a 2xx response's body, in order. A non-OK return
// aborts the transfer and becomes Fetch's result.
using HttpBodyCallback = std::function<Status(std::span<const uint8_t> bytes)>;

class HttpFetcher {
 public:
  explicit HttpFetcher(HttpFetchOptions options = {});

  // GETs (or POSTs) `request.url`. Both callbacks may be empty. Returns the response
  // (whatever its status) once the body has been delivered; errors as in the
  // file comment. InvalidArgument for a URL whose scheme is not allowed.
  StatusOr<HttpResponse> Fetch(const HttpRequest& request, const HttpHeadCallback& on_head,
                               const HttpBodyCallback& on_body,
                               std::stop_token stop = {}) const;

  const HttpFetchOptions& options() const { return options_; }

 private:
  HttpFetchOptions options_;
};

// The host (and port, if given) of `url`, for messages: "registry.ollama.ai".
std::string HostOfUrl(std::string_view url);

}  // namespace hearth

#endif  // HEARTH_MODELS_HTTP_FETCHER_H_
