// ChildProcess: a program started by hearth (a `hearth runner`, a quantize
// worker, a converter), owned like a file descriptor: destroying the object
// kills the child (SIGKILL) and reaps it, so no error path leaves an orphan or
// a zombie.
//
// The child is started with posix_spawn (safe in a multi-threaded parent),
// with a clean signal mask and default signal dispositions, stdin from
// /dev/null, and stdout/stderr either inherited or captured into pipes. A
// child that must run under resource limits (a converter) applies them to
// itself with setrlimit at start; the parent passes them as flags.
//
// Thread-safety: externally synchronized, except Signal(), which may be
// called from any thread while another waits.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child,
//                    ChildProcess::Spawn({.argv = {"/proc/self/exe", "runner", "--socket", path}}));
//   ...
//   ASSIGN_OR_RETURN(ExitInfo exit, child->Wait());
//   if (!exit.Succeeded()) return InternalError("runner " + exit.Describe());
#ifndef HEARTH_BASE_CHILD_PROCESS_H_
#define HEARTH_BASE_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/unique_fd.h"

namespace hearth {

struct ChildProcessOptions {
  // argv[0] is the program's path (not searched in PATH).
  std::vector<std::string> argv = {};
  // Extra "NAME=value" entries added to (or replacing in) the parent's
  // environment.
  std::vector<std::string> extra_env = {};
  // Capture stdout / stderr into pipes readable with stdout_fd()/stderr_fd();
  // otherwise they are inherited from the parent.
  bool capture_stdout = false;
  bool capture_stderr = false;
};

// How a child ended.
struct ExitInfo {
  // Exactly one of these is set.
  std::optional<int> exit_code;
  std::optional<int> signal;

  bool Succeeded() const { return exit_code == 0; }
  // "exited with status 3", "was killed by signal 9 (Killed)".
  std::string Describe() const;
};

class ChildProcess {
 public:
  // Starts the program. Errors: NotFound if argv[0] does not exist,
  // PermissionDenied if it is not executable, InvalidArgument for an empty
  // argv, the system's otherwise.
  static StatusOr<std::unique_ptr<ChildProcess>> Spawn(const ChildProcessOptions& options);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills (SIGKILL) and reaps the child if it has not been waited for.
  ~ChildProcess();

  pid_t pid() const { return pid_; }

  // The read ends of captured pipes (invalid when not captured). The caller
  // may read them; they close with this object.
  int stdout_fd() const { return stdout_.get(); }
  int stderr_fd() const { return stderr_.get(); }

  // Sends `signal_number` to the child (not to its group). No effect once reaped.
  void Signal(int signal_number);

  // Non-blocking: the exit information if the child has ended (and reaps it),
  // nullopt while it runs.
  std::optional<ExitInfo> Poll();

  // Waits until the child ends, or until `timeout` passes (nullopt = no
  // limit). Errors: DeadlineExceeded on timeout (the child keeps running).
  StatusOr<ExitInfo> Wait(std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // SIGTERM, then SIGKILL if it has not ended after `grace`; waits.
  ExitInfo Terminate(std::chrono::milliseconds grace);

 private:
  ChildProcess(pid_t pid, UniqueFd stdout_fd, UniqueFd stderr_fd);

  pid_t pid_;
  std::optional<ExitInfo> exit_;  // set once reaped
  UniqueFd stdout_;
  UniqueFd stderr_;
};

}  // namespace hearth

#endif  // HEARTH_BASE_CHILD_PROCESS_H_
