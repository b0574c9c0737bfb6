// hearth's HTTP front end: one listening socket, a bounded worker pool, and
// the routes of the Ollama API (/api/*), the OpenAI API (/v1/*) and hearth's
// own API (/api/v1/*).
//
// Bind() opens the socket first so that a port in use is reported before the
// server claims to be up; Serve() then blocks until Stop(), which shuts down
// gracefully within options.shutdown_timeout.
//
// Thread-safety: Stop() and port() may be called from any thread; Serve() is
// called once, from one thread.
//
// Example:
//   ASSIGN_OR_RETURN(auto server, HttpServer::Bind(options));
//   std::thread stopper([&] { WaitForSignal(); server->Stop(); });
//   RETURN_IF_ERROR(server->Serve());
#ifndef HEARTH_SERVER_HTTP_SERVER_H_
#define HEARTH_SERVER_HTTP_SERVER_H_

#include <memory>

#include "base/status.h"
#include "server/server_options.h"
#include "server/server_services.h"

namespace hearth {

class HttpServer {
 public:
  // Validates `options` and binds the listening socket. The routes serve
  // `services`, which must outlive the server (routes whose service is null
  // are not registered).
  // Errors: InvalidArgument for bad options, Unavailable when the address
  // cannot be bound (in use, not local, no permission).
  static StatusOr<std::unique_ptr<HttpServer>> Bind(const ServerOptions& options,
                                                    const ServerServices& services = {});

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // The bound port (the chosen one when options.port was 0).
  int port() const;

  // Serves requests until Stop(). Returns Internal if the listener fails.
  Status Serve();

  // Stops accepting connections and makes Serve() return once in-flight
  // requests have finished. While Serve() runs, waits up to
  // options.shutdown_timeout for that; then requests ServerServices::shutdown,
  // which cancels generations still running, and returns without waiting
  // further (Serve() returns as soon as the cancelled requests end).
  // A Stop() before Serve() makes Serve() return OkStatus at once.
  // Idempotent; blocks the calling thread for at most the shutdown timeout.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hearth

#endif  // HEARTH_SERVER_HTTP_SERVER_H_
