#include "models/runner_main.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "base/logging.h"
#include "base/status_macros.h"
#include "models/inference_engine.h"
#include "models/llama_backend.h"
#include "models/runner_protocol.h"
#include "models/runner_server.h"

namespace hearth {
namespace {

using namespace std::chrono_literals;

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Exits the process as soon as the runner is re-parented: with the server
// gone nobody can use the model, and its memory belongs to the next one.
std::jthread WatchParent(pid_t parent) {
  return std::jthread([parent](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (::getppid() != parent) {
        HEARTH_LOG(WARNING) << "the server (pid " << parent << ") is gone; the runner exits";
        std::_Exit(1);
      }
      std::this_thread::sleep_for(200ms);
    }
  });
}

// Stops `server` when SIGTERM or SIGINT arrives; they are blocked in every
// thread, so this thread receives them synchronously.
std::jthread WatchStopSignals(RunnerServer& server) {
  return std::jthread([&server](std::stop_token stop) {
    const sigset_t signals = StopSignals();
    const timespec poll_interval{0, 200'000'000};
    while (!stop.stop_requested()) {
      int signal_number = sigtimedwait(&signals, nullptr, &poll_interval);
      if (signal_number > 0) {
        HEARTH_LOG(INFO) << "runner received " << strsignal(signal_number) << "; stopping";
        server.Stop();
        return;
      }
    }
  });
}

// Writes the startup line to stdout in one write (the parent reads lines).
void ReportStartup(const Status& status) {
  const std::string line = StartupLine(status);
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the parent is gone; the watchdog handles that
    done += static_cast<size_t>(n);
  }
}

Status Serve(const RunnerProcessOptions& options, InferenceBackend& backend) {
  ASSIGN_OR_RETURN(std::unique_ptr<RunnerServer> server,
                   RunnerServer::Listen({.socket_path = options.socket_path}, backend));
  ReportStartup(OkStatus());
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  HEARTH_LOG(INFO) << "runner for " << options.load.model_path.string() << " listening on "
                   << options.socket_path.string();
  std::jthread signals = WatchStopSignals(*server);
  return server->Serve();
}

}  // namespace

Status RunRunner(const RunnerProcessOptions& options) {
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  std::jthread parent_watch;
  if (options.parent_pid != 0) parent_watch = WatchParent(options.parent_pid);

  InitLlamaBackend();
  StatusOr<std::unique_ptr<InferenceEngine>> engine = InferenceEngine::Open(options.load);
  if (!engine.ok()) {
    ReportStartup(engine.status());
    return engine.status();
  }
  Status served = Serve(options, **engine);
  // A failure before "ready" (the socket) still needs its startup line; after
  // "ready" stdout is stderr, so a second line there is only a log line.
  if (!served.ok()) ReportStartup(served);
  return served;
}

}  // namespace hearth
