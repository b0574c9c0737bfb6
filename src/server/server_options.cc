#include "server/server_options.h"

namespace hearth {

void BindServerOptions(OptionBinder& binder, ServerOptions& options) {
  binder.Bind("host", "HEARTH_HOST", &options.host,
              "address to listen on (0.0.0.0 exposes hearth to the network)");
  binder.Bind("port", "HEARTH_PORT", &options.port, "TCP port to listen on (0 = any free port)");
  binder.Bind("http-threads", "HEARTH_HTTP_THREADS", &options.worker_threads,
              "HTTP worker threads");
  binder.Bind("http-queue", "HEARTH_HTTP_QUEUE", &options.max_queued_requests,
              "requests that may wait for a worker");
  binder.BindBytes("max-request-size", "HEARTH_MAX_REQUEST_SIZE", &options.max_request_bytes,
                   "largest request body accepted (blob uploads: --max-blob-size)");
  binder.BindBytes("max-blob-size", "HEARTH_MAX_BLOB_SIZE", &options.max_blob_bytes,
                   "largest blob upload accepted (POST /api/blobs, e.g. a GGUF for `ollama "
                   "create`)");
  binder.BindDuration("io-timeout", "HEARTH_IO_TIMEOUT", &options.io_timeout,
                      "time allowed to send a request or read a response");
  binder.Bind("insecure-no-auth", "HEARTH_INSECURE_NO_AUTH", &options.insecure_no_auth,
              "allow a non-loopback --host in single-user mode (no login: anyone reaching the "
              "port may do everything)");
  binder.BindDuration("shutdown-timeout", "HEARTH_SHUTDOWN_TIMEOUT", &options.shutdown_timeout,
                      "on SIGTERM/SIGINT, time in-flight requests get before generation is "
                      "cancelled");
}

Status ValidateServerOptions(const ServerOptions& options) {
  if (options.host.empty()) return InvalidArgumentError("--host must not be empty");
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgumentError("--port " + std::to_string(options.port) +
                                " is out of range; use 0..65535");
  }
  if (options.worker_threads < 1 || options.worker_threads > 1024) {
    return InvalidArgumentError("--http-threads must be between 1 and 1024");
  }
  if (options.max_queued_requests < 1) {
    return InvalidArgumentError("--http-queue must be at least 1");
  }
  if (options.max_request_bytes == 0) return InvalidArgumentError("--max-request-size must be positive");
  // httplib has one body limit, the larger of the two: a smaller blob limit
  // could not hold a chunked upload.
  if (options.max_blob_bytes < options.max_request_bytes) {
    return InvalidArgumentError("--max-blob-size must be at least --max-request-size");
  }
  if (options.io_timeout.count() <= 0) {
    return InvalidArgumentError("--io-timeout must be positive");
  }
  if (options.shutdown_timeout.count() < 0) {
    return InvalidArgumentError("--shutdown-timeout must not be negative");
  }
  return OkStatus();
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace hearth
