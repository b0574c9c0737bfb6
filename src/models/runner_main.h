// RunRunner: the body of `hearth runner`, the child process that holds one
// loaded model (see models/runner_client.h for the parent's side). The CLI
// verb (cli/runner_command.cc) only maps flags onto RunnerProcessOptions.
//
// The runner:
//   1. blocks SIGTERM/SIGINT (a dedicated thread waits for them) and ignores
//      SIGPIPE;
//   2. watches its parent: when it is re-parented (the server died, even by
//      SIGKILL), it exits at once. A getppid() watchdog is used rather than
//      PR_SET_PDEATHSIG, which fires when the *thread* that spawned the
//      runner exits, not the server;
//   3. loads the model (InferenceEngine::Open) and listens on the socket
//      (RunnerServer);
//   4. writes its startup line (StartupLine in models/runner_protocol.h) on
//      stdout: "ready", or "error <CODE> <message>" when step 3 failed; then
//      points stdout at stderr so nothing else goes to the startup pipe;
//   5. serves until SIGTERM/SIGINT, then cancels what runs and returns.
//
// Thread-safety: call once, from the main thread, before any other thread
// exists (the signal mask is inherited by threads created later).
#ifndef HEARTH_MODELS_RUNNER_MAIN_H_
#define HEARTH_MODELS_RUNNER_MAIN_H_

#include <sys/types.h>

#include <filesystem>

#include "base/status.h"
#include "models/model_load_options.h"

namespace hearth {

struct RunnerProcessOptions {
  // The model and how to load it.
  ModelLoadOptions load;
  // Where to listen (see CheckUnixSocketPath for the length limit).
  std::filesystem::path socket_path;
  // The process that started the runner; the runner exits when its parent
  // is no longer this process. 0 = do not watch.
  pid_t parent_pid = 0;
};

// Runs the runner until it is told to stop. Returns OK after SIGTERM/SIGINT,
// the startup error (also reported on stdout) when the model cannot be
// loaded or the socket not bound. Does not return when the parent dies (the
// process exits with status 1).
Status RunRunner(const RunnerProcessOptions& options);

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_MAIN_H_
