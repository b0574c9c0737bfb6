// Options of `hearth serve`'s HTTP front end.
//
// Every field has a documented default and is set from a flag and a HEARTH_*
// environment variable through BindServerOptions(); nothing else reads flags
// or the environment.
#ifndef HEARTH_SERVER_SERVER_OPTIONS_H_
#define HEARTH_SERVER_SERVER_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "base/options.h"
#include "base/status.h"
#include "server/server_limits.h"

namespace hearth {

struct ServerOptions {
  // Address to listen on. Loopback by default: nothing leaves the machine
  // unless the operator says so.
  std::string host = "127.0.0.1";
  // TCP port; Ollama's, so existing clients find hearth. 0 picks a free port.
  int port = 11434;
  // Every limit on what a request may ask (body sizes, JSON, uploads,
  // generation, worker pool and queue, per-user and per-key caps).
  ServerLimits limits;
  // On shutdown, how long in-flight requests may run before long-running work
  // (generation) is cancelled.
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(10)};
  // Serve a non-loopback address in single-user mode (no login: anyone who
  // reaches the port may do everything). Off: `hearth serve` refuses such
  // a host until multi-user mode is on (a user exists).
  bool insecure_no_auth = false;
};

// True for addresses that only this machine reaches: 127.0.0.0/8, ::1,
// "localhost".
bool IsLoopbackHost(std::string_view host);

// Registers ServerOptions' flags and HEARTH_* variables (the limits' too)
// with `binder`.
// `options` must outlive the binder's use.
void BindServerOptions(OptionBinder& binder, ServerOptions& options);

// Checks ranges after binding: port 0..65535, a non-empty host, a
// non-negative shutdown timeout, and ValidateServerLimits. Errors are
// InvalidArgument naming the flag.
Status ValidateServerOptions(const ServerOptions& options);

}  // namespace hearth

#endif  // HEARTH_SERVER_SERVER_OPTIONS_H_
