#include "models/runner_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "base/logging.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "models/runner_protocol.h"
#include "models/runner_session.h"
#include "models/runner_socket.h"

namespace hearth {

StatusOr<std::unique_ptr<RunnerServer>> RunnerServer::Listen(const RunnerServerOptions& options,
                                                             InferenceBackend& backend) {
  if (options.max_connections < 1) {
    return InvalidArgumentError("runner max_connections must be at least 1");
  }
  ASSIGN_OR_RETURN(UniqueFd listener, ListenUnixSocket(options.socket_path, 64));
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) {
    ::unlink(options.socket_path.c_str());
    return PosixError(errno, "cannot create the runner's wake-up eventfd");
  }
  return std::unique_ptr<RunnerServer>(
      new RunnerServer(options, backend, std::move(listener), std::move(wake)));
}

RunnerServer::RunnerServer(const RunnerServerOptions& options, InferenceBackend& backend,
                           UniqueFd listener, UniqueFd wake)
    : options_(options),
      backend_(backend),
      listener_(std::move(listener)),
      wake_(std::move(wake)) {}

RunnerServer::~RunnerServer() {
  Stop();
  Reap(/*all=*/true);
  ::unlink(options_.socket_path.c_str());
}

Status RunnerServer::Serve() {
  pollfd entries[2] = {{listener_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
  while (!stopping_) {
    // The timeout only bounds how long finished connection threads wait to
    // be joined.
    int ready = ::poll(entries, 2, 1000);
    if (ready < 0 && errno != EINTR) {
      Status error = PosixError(errno, "waiting for runner connections");
      Stop();
      Reap(/*all=*/true);
      return error;
    }
    if (ready > 0 && (entries[0].revents & POLLIN) != 0 && !stopping_) Accept();
    Reap(/*all=*/false);
  }
  Reap(/*all=*/true);
  return OkStatus();
}

void RunnerServer::Stop() {
  stopping_ = true;
  const uint64_t one = 1;
  if (::write(wake_.get(), &one, sizeof one) < 0) {
    // The counter is already nonzero (EAGAIN): the loop is awake anyway.
  }
  std::lock_guard lock(mu_);
  for (auto& connection : connections_) {
    connection->stop.request_stop();
    ::shutdown(connection->fd.get(), SHUT_RDWR);
  }
}

void RunnerServer::Accept() {
  UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd.valid()) {
    if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) {
      HEARTH_LOG(WARNING) << PosixError(errno, "accepting a runner connection");
    }
    return;
  }
  std::lock_guard lock(mu_);
  if (stopping_) return;  // Stop() ran after the check in Serve(); it would miss this one
  if (connections_.size() >= static_cast<size_t>(options_.max_connections)) {
    Refuse(std::move(fd));
    return;
  }
  auto connection = std::make_unique<Connection>();
  connection->fd = std::move(fd);
  Connection* c = connection.get();
  c->thread = std::thread([this, c] {
    RunnerSession(c->fd.get(), backend_, c->stop.get_token()).Run();
    // The client sees the end now, not when the thread is reaped.
    ::shutdown(c->fd.get(), SHUT_RDWR);
    c->done = true;
  });
  connections_.push_back(std::move(connection));
}

void RunnerServer::Refuse(UniqueFd fd) {
  Status busy = ResourceExhaustedError("the runner already serves " +
                                       std::to_string(options_.max_connections) +
                                       " connections; retry when a request has finished");
  WriteFrame(fd.get(), {FrameType::kError, 0, EncodeError(busy)}).IgnoreError();
}

void RunnerServer::Reap(bool all) {
  std::list<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (all || (*it)->done) finished.splice(finished.end(), connections_, it);
      it = next;
    }
  }
  for (auto& connection : finished) {
    // Stop() may not have seen these yet: it sets stopping_ before it takes
    // the lock, so this can run first.
    if (all) {
      connection->stop.request_stop();
      ::shutdown(connection->fd.get(), SHUT_RDWR);
    }
    connection->thread.join();
  }
}

}  // namespace hearth
