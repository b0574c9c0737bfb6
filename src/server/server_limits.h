// ServerLimits: the one place that says how much a request may ask of
// `hearth serve`. Every input from the network has a limit here, with its
// default, its flag and HEARTH_* variable, and the HTTP status that answers a
// request over it. docs/limits.md is the table of all of them (and of the
// fixed limits that are not settable).
//
// A refusal is an error in the shape of the API the path belongs to (Ollama's
// {"error": "..."}, OpenAI's {"error": {"message", "type"}} under /v1, and
// {"error": "..."} under /api/v1), and its message names the limit's value and
// the flag that sets it, e.g.
//   413 {"error": "request body too large: the limit is 16 MiB (--max-json-size)"}
// Nothing is stored for a refused request: every limit is checked before the
// layer below is called.
//
// Thread-safety: a plain struct; set once at startup, read by every worker.
//
// Example:
//   ServerOptions options;                  // options.limits has the defaults
//   OptionBinder binder;
//   BindServerOptions(binder, options);     // binds the limits' flags too
//   RETURN_IF_ERROR(ValidateServerLimits(options.limits));
#ifndef HEARTH_SERVER_SERVER_LIMITS_H_
#define HEARTH_SERVER_SERVER_LIMITS_H_

#include <chrono>
#include <cstdint>

#include "base/options.h"
#include "base/status.h"

namespace hearth {

// Ceilings that validation keeps the settable limits under.
// httplib's own count of multipart parts (CPPHTTPLIB_MULTIPART_FORM_DATA_FILE_MAX_COUNT).
inline constexpr int kMaxUploadPartsCeiling = 1024;
// Deeper JSON than this is refused by the parser itself (json_body.h's
// kMaxJsonDepth), so --max-json-depth can only lower it.
inline constexpr int kMaxJsonDepthCeiling = 32;
// The answer service refuses longer questions (app/answer_service.h).
inline constexpr uint64_t kMaxMessageBytesCeiling = 32 * 1024;

struct ServerLimits {
  // Long requests of all callers together that may be in flight at once.
  int long_request_cap() const { return worker_threads - quick_threads; }

  // --- The HTTP front end ---
  // HTTP worker threads (--http-threads). Requests beyond them wait in the
  // queue. A waiting worker costs a thread's stack pages, not CPU: requests
  // waiting for a busy model hold one each.
  int worker_threads = 32;
  // Workers kept for quick requests (--http-quick-threads): long requests
  // (route_specs.h's RouteLane: generation, embedding, search, job streams,
  // pulls) may hold at most worker_threads - quick_threads workers at once;
  // one more is answered 503 with Retry-After. So /api/tags, sign-in and the
  // UI are answered at once while every model is busy. 0..worker_threads-1.
  int quick_threads = 8;
  // Requests that may wait for a worker (--http-queue); beyond them a request
  // is answered 503 with Retry-After.
  int max_queued_requests = 64;
  // Time a client may take to send a request, or to read a response, between
  // two reads or writes (--io-timeout). A client that stalls longer is
  // disconnected.
  std::chrono::milliseconds io_timeout{std::chrono::seconds(60)};
  // Request line and headers together (--max-header-size); 431 beyond.
  // httplib also refuses a single header line over 8 KiB and more than 100
  // headers (400).
  uint64_t max_header_bytes = 32 * 1024;
  // Any request body except a blob upload (--max-request-size); 413 beyond.
  // JSON bodies are held to the smaller max_json_bytes, so this is in effect
  // the limit of a document upload (multipart) request.
  uint64_t max_request_bytes = uint64_t{64} << 20;
  // A blob upload (POST /api/blobs/:digest, what `ollama create` sends a
  // GGUF with; streamed to disk) (--max-blob-size); 413 beyond.
  uint64_t max_blob_bytes = uint64_t{64} << 30;

  // --- JSON bodies ---
  // A body that is not multipart/form-data (--max-json-size); 413 beyond.
  uint64_t max_json_bytes = uint64_t{16} << 20;
  // Nesting of objects and arrays in a JSON body (--max-json-depth); 400
  // beyond.
  int max_json_depth = kMaxJsonDepthCeiling;

  // --- Document uploads (POST /api/v1/workspaces/{slug}/documents) ---
  // Files ("file" parts) in one upload (--max-upload-files); 413 beyond.
  int max_upload_files = 100;
  // Parts of any name in one multipart body (--max-upload-parts); 413 beyond.
  int max_upload_parts = 128;
  // One uploaded document (--max-document-size); 413 beyond. Also the
  // ingestion service's own limit.
  uint64_t max_document_bytes = uint64_t{64} << 20;
  // An uploaded file's name in bytes of UTF-8 (--max-filename-length); 400
  // beyond. Names must be UTF-8 without control characters, '/' or '\'.
  int max_filename_bytes = 255;

  // --- Chat and generation ---
  // A question to a workspace chat or search, in bytes
  // (--max-message-size); 413 beyond. At most kMaxMessageBytesCeiling.
  uint64_t max_message_bytes = kMaxMessageBytesCeiling;
  // Tokens one generation request may ask for (Ollama's num_predict,
  // OpenAI's max_tokens / max_completion_tokens) (--max-generation-tokens);
  // 400 beyond. A request that asks for no limit, or a model parameter over
  // it, is capped at it.
  int max_generation_tokens = 16384;

  // --- Principals (multi-user mode) ---
  // Requests one user may have in flight, through any session or key
  // (--max-requests-per-user); 429 with Retry-After beyond. 0: no cap. The
  // local owner of single-user mode is not capped. 6 is what one browser
  // opens to a host at most (HTTP/1.1), so one tab of the web UI, with its
  // job-progress streams, never meets it.
  int max_requests_per_user = 6;
  // Requests one API key may have in flight (--max-requests-per-key); 429
  // with Retry-After beyond. 0: no cap.
  int max_requests_per_key = 4;
};

// Registers every field's flag and HEARTH_* variable with `binder`.
// `limits` must outlive the binder's use.
void BindServerLimits(OptionBinder& binder, ServerLimits& limits);

// Checks ranges: at least one worker and one queued request, fewer quick
// threads than workers, positive sizes
// and timeout, max_blob_bytes >= max_request_bytes, upload parts >= files and
// at most kMaxUploadPartsCeiling, JSON depth 1..kMaxJsonDepthCeiling,
// message size 1..kMaxMessageBytesCeiling, non-negative caps. Errors are
// InvalidArgument naming the flag.
Status ValidateServerLimits(const ServerLimits& limits);

}  // namespace hearth

#endif  // HEARTH_SERVER_SERVER_LIMITS_H_
