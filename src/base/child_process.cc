#include "base/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "base/posix_error.h"

extern char** environ;

namespace hearth {
namespace {

// Owns a posix_spawn_file_actions_t / posix_spawnattr_t for one Spawn call.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attributes_);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  posix_spawn_file_actions_t* actions() { return &actions_; }
  posix_spawnattr_t* attributes() { return &attributes_; }

  // The child starts with no blocked signals and default dispositions for
  // the signals a server blocks or ignores (SIGINT, SIGTERM, SIGPIPE, ...).
  void ResetSignals() {
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigmask(&attributes_, &empty);
    sigset_t defaults;
    sigfillset(&defaults);
    posix_spawnattr_setsigdefault(&attributes_, &defaults);
    posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return PosixError(errno, "cannot create a pipe");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// The parent's environment with `extra` ("NAME=value") added or replacing.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> merged;
  auto overridden = [&extra](const char* entry) {
    const char* equals = std::strchr(entry, '=');
    size_t name_length = equals == nullptr ? std::strlen(entry) : static_cast<size_t>(equals - entry);
    for (const std::string& e : extra) {
      if (e.size() > name_length && e.compare(0, name_length, entry, name_length) == 0 &&
          e[name_length] == '=') {
        return true;
      }
    }
    return false;
  };
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (!overridden(*entry)) merged.emplace_back(*entry);
  }
  merged.insert(merged.end(), extra.begin(), extra.end());
  return merged;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

ExitInfo ExitInfoFromWaitStatus(int status) {
  ExitInfo info;
  if (WIFEXITED(status)) {
    info.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    info.signal = WTERMSIG(status);
  } else {
    info.exit_code = -1;
  }
  return info;
}

Status CheckExecutable(const std::string& program) {
  if (program.empty()) return InvalidArgumentError("cannot start a child process: empty program path");
  if (access(program.c_str(), F_OK) != 0) {
    return NotFoundError("cannot start '" + program + "': no such file");
  }
  if (access(program.c_str(), X_OK) != 0) {
    return PermissionDeniedError("cannot start '" + program + "': not executable");
  }
  return OkStatus();
}

}  // namespace

std::string ExitInfo::Describe() const {
  if (signal) {
    return "was killed by signal " + std::to_string(*signal) + " (" + strsignal(*signal) + ")";
  }
  return "exited with status " + std::to_string(exit_code.value_or(-1));
}

StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const ChildProcessOptions& options) {
  if (options.argv.empty()) return InvalidArgumentError("cannot start a child process: empty argv");
  if (Status ok = CheckExecutable(options.argv.front()); !ok.ok()) return ok;
  SpawnSetup setup;
  setup.ResetSignals();
  posix_spawn_file_actions_addopen(setup.actions(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  Pipe out, err;
  if (options.capture_stdout) {
    StatusOr<Pipe> made = MakePipe();
    if (!made.ok()) return made.status();
    out = std::move(*made);
    posix_spawn_file_actions_adddup2(setup.actions(), out.write.get(), STDOUT_FILENO);
  }
  if (options.capture_stderr) {
    StatusOr<Pipe> made = MakePipe();
    if (!made.ok()) return made.status();
    err = std::move(*made);
    posix_spawn_file_actions_adddup2(setup.actions(), err.write.get(), STDERR_FILENO);
  }
  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env = MergedEnvironment(options.extra_env);
  std::vector<char*> argv_pointers = CStrings(argv);
  std::vector<char*> env_pointers = CStrings(env);
  pid_t pid = 0;
  int error = posix_spawn(&pid, argv.front().c_str(), setup.actions(), setup.attributes(),
                          argv_pointers.data(), env_pointers.data());
  if (error != 0) return PosixError(error, "cannot start '" + argv.front() + "'");
  // The write ends now belong to the child; closing ours lets reads see EOF
  // when the child exits.
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, std::move(out.read), std::move(err.read)));
}

ChildProcess::ChildProcess(pid_t pid, UniqueFd stdout_fd, UniqueFd stderr_fd)
    : pid_(pid), stdout_(std::move(stdout_fd)), stderr_(std::move(stderr_fd)) {}

ChildProcess::~ChildProcess() {
  if (exit_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void ChildProcess::Signal(int signal_number) {
  if (!exit_) ::kill(pid_, signal_number);
}

std::optional<ExitInfo> ChildProcess::Poll() {
  if (exit_) return exit_;
  int status = 0;
  pid_t waited = waitpid(pid_, &status, WNOHANG);
  if (waited == pid_) exit_ = ExitInfoFromWaitStatus(status);
  return exit_;
}

StatusOr<ExitInfo> ChildProcess::Wait(std::optional<std::chrono::milliseconds> timeout) {
  if (exit_) return *exit_;
  if (!timeout) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) return PosixError(errno, "cannot wait for child " + std::to_string(pid_));
    }
    exit_ = ExitInfoFromWaitStatus(status);
    return *exit_;
  }
  // waitpid has no timeout; poll with a short, growing interval.
  auto deadline = std::chrono::steady_clock::now() + *timeout;
  std::chrono::milliseconds interval(1);
  while (!Poll()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return DeadlineExceededError("child " + std::to_string(pid_) + " still running after " +
                                   std::to_string(timeout->count()) + " ms");
    }
    std::this_thread::sleep_for(interval);
    interval = std::min(interval * 2, std::chrono::milliseconds(50));
  }
  return *exit_;
}

ExitInfo ChildProcess::Terminate(std::chrono::milliseconds grace) {
  if (exit_) return *exit_;
  Signal(SIGTERM);
  StatusOr<ExitInfo> ended = Wait(grace);
  if (ended.ok()) return *ended;
  Signal(SIGKILL);
  StatusOr<ExitInfo> killed = Wait();
  return killed.ok() ? *killed : ExitInfo{.exit_code = std::nullopt, .signal = SIGKILL};
}

}  // namespace hearth
