#include "server/server_limits.h"

#include <string>

#include "app/answer_service.h"
#include "base/status_macros.h"
#include "server/json_body.h"

namespace hearth {

static_assert(kMaxJsonDepthCeiling == internal::kMaxJsonDepth,
              "the parser's depth limit is the ceiling of --max-json-depth");
static_assert(kMaxMessageBytesCeiling == kMaxQuestionBytes,
              "the answer service's question limit is the ceiling of --max-message-size");

namespace {

void BindHttpLimits(OptionBinder& binder, ServerLimits& limits) {
  binder.Bind("http-threads", "HEARTH_HTTP_THREADS", &limits.worker_threads,
              "HTTP worker threads");
  binder.Bind("http-quick-threads", "HEARTH_HTTP_QUICK_THREADS", &limits.quick_threads,
              "HTTP workers kept for quick requests: long ones (generation, embedding, search, "
              "streams) may hold the others (beyond: 503 with Retry-After)");
  binder.Bind("http-queue", "HEARTH_HTTP_QUEUE", &limits.max_queued_requests,
              "requests that may wait for a worker (beyond: 503 with Retry-After)");
  binder.BindDuration("io-timeout", "HEARTH_IO_TIMEOUT", &limits.io_timeout,
                      "time allowed to send a request or read a response");
  binder.BindBytes("max-header-size", "HEARTH_MAX_HEADER_SIZE", &limits.max_header_bytes,
                   "largest request line and headers accepted (beyond: 431)");
  binder.BindBytes("max-request-size", "HEARTH_MAX_REQUEST_SIZE", &limits.max_request_bytes,
                   "largest request body accepted (blob uploads: --max-blob-size)");
  binder.BindBytes("max-blob-size", "HEARTH_MAX_BLOB_SIZE", &limits.max_blob_bytes,
                   "largest blob upload accepted (POST /api/blobs, e.g. a GGUF for `ollama "
                   "create`)");
  binder.BindBytes("max-json-size", "HEARTH_MAX_JSON_SIZE", &limits.max_json_bytes,
                   "largest JSON (non-multipart) request body accepted");
  binder.Bind("max-json-depth", "HEARTH_MAX_JSON_DEPTH", &limits.max_json_depth,
              "deepest nesting of objects and arrays accepted in a JSON body");
}

void BindContentLimits(OptionBinder& binder, ServerLimits& limits) {
  binder.Bind("max-upload-files", "HEARTH_MAX_UPLOAD_FILES", &limits.max_upload_files,
              "documents one upload request may carry");
  binder.Bind("max-upload-parts", "HEARTH_MAX_UPLOAD_PARTS", &limits.max_upload_parts,
              "multipart parts one upload request may have");
  binder.BindBytes("max-document-size", "HEARTH_MAX_DOCUMENT_SIZE", &limits.max_document_bytes,
                   "largest document accepted in an upload");
  binder.Bind("max-filename-length", "HEARTH_MAX_FILENAME_LENGTH", &limits.max_filename_bytes,
              "longest uploaded file name accepted, in bytes");
  binder.BindBytes("max-message-size", "HEARTH_MAX_MESSAGE_SIZE", &limits.max_message_bytes,
                   "longest workspace chat question accepted");
  binder.Bind("max-generation-tokens", "HEARTH_MAX_GENERATION_TOKENS",
              &limits.max_generation_tokens, "most tokens one generation request may ask for");
  binder.Bind("max-requests-per-user", "HEARTH_MAX_REQUESTS_PER_USER",
              &limits.max_requests_per_user,
              "requests one user may have in flight (beyond: 429; 0 = no cap)");
  binder.Bind("max-requests-per-key", "HEARTH_MAX_REQUESTS_PER_KEY", &limits.max_requests_per_key,
              "requests one API key may have in flight (beyond: 429; 0 = no cap)");
}

Status AtLeast(const char* flag, int64_t value, int64_t min) {
  if (value >= min) return OkStatus();
  return InvalidArgumentError(std::string(flag) + " must be at least " + std::to_string(min) +
                              " (got " + std::to_string(value) + ")");
}

Status AtMost(const char* flag, int64_t value, int64_t max) {
  if (value <= max) return OkStatus();
  return InvalidArgumentError(std::string(flag) + " must be at most " + std::to_string(max) +
                              " (got " + std::to_string(value) + ")");
}

Status Positive(const char* flag, uint64_t value) {
  return value == 0 ? InvalidArgumentError(std::string(flag) + " must be positive") : OkStatus();
}

Status ValidateHttpLimits(const ServerLimits& limits) {
  RETURN_IF_ERROR(AtLeast("--http-threads", limits.worker_threads, 1));
  RETURN_IF_ERROR(AtMost("--http-threads", limits.worker_threads, 1024));
  RETURN_IF_ERROR(AtLeast("--http-quick-threads", limits.quick_threads, 0));
  if (limits.quick_threads >= limits.worker_threads) {
    return InvalidArgumentError("--http-quick-threads (" + std::to_string(limits.quick_threads) +
                                ") must be less than --http-threads (" +
                                std::to_string(limits.worker_threads) +
                                "): long requests need a worker too");
  }
  RETURN_IF_ERROR(AtLeast("--http-queue", limits.max_queued_requests, 1));
  if (limits.io_timeout.count() <= 0) return InvalidArgumentError("--io-timeout must be positive");
  RETURN_IF_ERROR(Positive("--max-header-size", limits.max_header_bytes));
  RETURN_IF_ERROR(Positive("--max-request-size", limits.max_request_bytes));
  // httplib has one body limit, the larger of the two: a smaller blob limit
  // could not hold a chunked upload.
  if (limits.max_blob_bytes < limits.max_request_bytes) {
    return InvalidArgumentError("--max-blob-size must be at least --max-request-size");
  }
  RETURN_IF_ERROR(Positive("--max-json-size", limits.max_json_bytes));
  RETURN_IF_ERROR(AtLeast("--max-json-depth", limits.max_json_depth, 1));
  return AtMost("--max-json-depth", limits.max_json_depth, kMaxJsonDepthCeiling);
}

Status ValidateContentLimits(const ServerLimits& limits) {
  RETURN_IF_ERROR(AtLeast("--max-upload-files", limits.max_upload_files, 1));
  RETURN_IF_ERROR(AtLeast("--max-upload-parts", limits.max_upload_parts, limits.max_upload_files));
  RETURN_IF_ERROR(AtMost("--max-upload-parts", limits.max_upload_parts, kMaxUploadPartsCeiling));
  RETURN_IF_ERROR(Positive("--max-document-size", limits.max_document_bytes));
  RETURN_IF_ERROR(AtLeast("--max-filename-length", limits.max_filename_bytes, 1));
  RETURN_IF_ERROR(Positive("--max-message-size", limits.max_message_bytes));
  if (limits.max_message_bytes > kMaxMessageBytesCeiling) {
    return InvalidArgumentError("--max-message-size must be at most " +
                                std::to_string(kMaxMessageBytesCeiling) + " bytes");
  }
  RETURN_IF_ERROR(AtLeast("--max-generation-tokens", limits.max_generation_tokens, 1));
  RETURN_IF_ERROR(AtLeast("--max-requests-per-user", limits.max_requests_per_user, 0));
  return AtLeast("--max-requests-per-key", limits.max_requests_per_key, 0);
}

}  // namespace

void BindServerLimits(OptionBinder& binder, ServerLimits& limits) {
  BindHttpLimits(binder, limits);
  BindContentLimits(binder, limits);
}

Status ValidateServerLimits(const ServerLimits& limits) {
  RETURN_IF_ERROR(ValidateHttpLimits(limits));
  return ValidateContentLimits(limits);
}

}  // namespace hearth
