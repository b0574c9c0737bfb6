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
                   "largest request body accepted");
  binder.BindDuration("io-timeout", "HEARTH_IO_TIMEOUT", &options.io_timeout,
                      "time allowed to send a request or read a response");
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
  if (options.io_timeout.count() <= 0) {
    return InvalidArgumentError("--io-timeout must be positive");
  }
  if (options.shutdown_timeout.count() < 0) {
    return InvalidArgumentError("--shutdown-timeout must not be negative");
  }
  return OkStatus();
}

}  // namespace hearth
