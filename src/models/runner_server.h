// RunnerServer: the `hearth runner` side of the runner protocol
// (models/runner_protocol.h). It listens on a Unix socket and serves every
// accepted connection on its own thread, one request at a time per
// connection, by calling an InferenceBackend (the InferenceEngine in a real
// runner, a fake in tests). Clients open one connection per request, so
// requests run concurrently up to what the backend allows.
//
// A request is cancelled (its stop token fires) when the client sends
// kCancel, closes the connection, or the server stops. A frame that cannot
// be decoded gets a kError answer; one client's garbage never affects
// another connection.
//
// Thread-safety: Stop() may be called from any thread; Serve() from one.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<RunnerServer> server,
//                    RunnerServer::Listen({.socket_path = path}, *engine));
//   std::jthread stopper([&] { WaitForSigterm(); server->Stop(); });
//   RETURN_IF_ERROR(server->Serve());
#ifndef HEARTH_MODELS_RUNNER_SERVER_H_
#define HEARTH_MODELS_RUNNER_SERVER_H_

#include <atomic>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "base/unique_fd.h"
#include "models/inference.h"

namespace hearth {

struct RunnerServerOptions {
  // Where to listen. Must fit a sockaddr_un (see CheckUnixSocketPath). A
  // stale socket file there is replaced; the server removes the file when it
  // is destroyed.
  std::filesystem::path socket_path;
  // Connections served at once; a connection beyond this gets a kError
  // (ResourceExhausted) and is closed.
  int max_connections = 64;
};

class RunnerServer {
 public:
  // Binds and listens. `backend` is borrowed and must outlive the server.
  // Errors: InvalidArgument for a path too long for a socket,
  // FailedPrecondition when a non-socket file is in the way, the system's.
  static StatusOr<std::unique_ptr<RunnerServer>> Listen(const RunnerServerOptions& options,
                                                        InferenceBackend& backend);

  RunnerServer(const RunnerServer&) = delete;
  RunnerServer& operator=(const RunnerServer&) = delete;
  // Stops, waits for every connection thread, removes the socket file.
  // Serve() must have returned (or never been called).
  ~RunnerServer();

  // Accepts and serves connections until Stop(). Returns OK once stopped
  // (every connection thread has ended), or the error that made accepting
  // impossible.
  Status Serve();

  // Ends Serve(): cancels running requests and closes every connection.
  // Idempotent; safe from any thread (not from a signal handler).
  void Stop();

 private:
  struct Connection {
    UniqueFd fd;
    std::stop_source stop;
    std::atomic<bool> done{false};
    std::thread thread;
  };

  RunnerServer(const RunnerServerOptions& options, InferenceBackend& backend, UniqueFd listener,
               UniqueFd wake);
  void Accept();
  void Refuse(UniqueFd fd);
  // Joins and forgets finished connections; with `all`, every connection.
  void Reap(bool all);

  const RunnerServerOptions options_;
  InferenceBackend& backend_;
  UniqueFd listener_;
  UniqueFd wake_;  // an eventfd that Stop() signals to end the accept loop
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::list<std::unique_ptr<Connection>> connections_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_SERVER_H_
