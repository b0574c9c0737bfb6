#include "server/server_options.h"

namespace hearth {

void BindServerOptions(OptionBinder& binder, ServerOptions& options) {
  binder.Bind("host", "HEARTH_HOST", &options.host,
              "address to listen on (0.0.0.0 exposes hearth to the network)");
  binder.Bind("port", "HEARTH_PORT", &options.port, "TCP port to listen on (0 = any free port)");
  binder.Bind("insecure-no-auth", "HEARTH_INSECURE_NO_AUTH", &options.insecure_no_auth,
              "allow a non-loopback --host in single-user mode (no login: anyone reaching the "
              "port may do everything)");
  binder.BindDuration("shutdown-timeout", "HEARTH_SHUTDOWN_TIMEOUT", &options.shutdown_timeout,
                      "on SIGTERM/SIGINT, time in-flight requests get before generation is "
                      "cancelled");
  BindServerLimits(binder, options.limits);
}

Status ValidateServerOptions(const ServerOptions& options) {
  if (options.host.empty()) return InvalidArgumentError("--host must not be empty");
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgumentError("--port " + std::to_string(options.port) +
                                " is out of range; use 0..65535");
  }
  if (options.shutdown_timeout.count() < 0) {
    return InvalidArgumentError("--shutdown-timeout must not be negative");
  }
  return ValidateServerLimits(options.limits);
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

}  // namespace hearth
