#include "models/runner_client.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

#include "base/logging.h"
#include "base/paths.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "models/runner_channel.h"
#include "models/runner_log_drain.h"
#include "models/runner_protocol.h"
#include "models/runner_socket.h"

namespace hearth {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How long to wait for a runner whose connection broke to be reaped, so the
// error can say how it ended (the kernel closes its sockets just before).
constexpr std::chrono::milliseconds kExitWait = 2s;

// The end of a runner's log for an error message: "; its last output: ...".
std::string RecentOutput(const std::string& tail) {
  constexpr size_t kLimit = 800;
  if (tail.empty()) return "";
  return "; its last output: " + (tail.size() > kLimit ? "..." + tail.substr(tail.size() - kLimit) : tail);
}

// Refuses a socket directory that another user could reach into.
Status CheckSocketDir(const std::filesystem::path& dir) {
  struct stat info {};
  if (::lstat(dir.c_str(), &info) != 0) {
    return PosixError(errno, "cannot inspect the runner socket directory '" + dir.string() + "'");
  }
  if (!S_ISDIR(info.st_mode) || info.st_uid != ::geteuid() || (info.st_mode & 077) != 0) {
    return FailedPreconditionError(
        "the runner socket directory '" + dir.string() +
        "' must be a directory owned by this user with mode 0700; fix it or choose another");
  }
  return OkStatus();
}

StatusOr<std::filesystem::path> PrepareSocketPath(const RunnerOptions& options) {
  static std::atomic<uint64_t> next_runner{1};
  const std::filesystem::path dir =
      options.socket_dir.empty() ? DefaultRunnerSocketDir() : options.socket_dir;
  RETURN_IF_ERROR(EnsureDirectory(dir).WithContext("runner socket directory"));
  RETURN_IF_ERROR(CheckSocketDir(dir));
  std::filesystem::path path = dir / ("runner-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(next_runner++) + ".sock");
  RETURN_IF_ERROR(CheckUnixSocketPath(path));
  return path;
}

// The runner gets the log level this process uses.
std::string_view CurrentLogLevel() {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning}) {
    if (IsLogLevelEnabled(level)) return LogLevelName(level);
  }
  return LogLevelName(LogLevel::kError);
}

ChildProcessOptions RunnerCommand(const RunnerOptions& options,
                                  const std::filesystem::path& socket_path) {
  const ModelLoadOptions& load = options.load;
  ChildProcessOptions command;
  command.argv = {options.runner_binary.string(),
                  "runner",
                  "--model=" + load.model_path.string(),
                  "--socket=" + socket_path.string(),
                  "--ctx=" + std::to_string(load.context_length),
                  "--slots=" + std::to_string(load.slots),
                  "--threads=" + std::to_string(load.threads),
                  "--batch=" + std::to_string(load.batch_size),
                  load.kv_cache_type == KvCacheType::kQ8_0 ? "--kv-type=q8_0" : "--kv-type=f16",
                  load.use_mmap ? "--mmap" : "--no-mmap",
                  "--parent-pid=" + std::to_string(::getpid()),
                  "--log-level=" + std::string(CurrentLogLevel())};
  command.capture_stdout = true;
  command.capture_stderr = true;
  return command;
}

}  // namespace

std::filesystem::path DefaultRunnerSocketDir() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && *runtime != '\0') return std::filesystem::path(runtime) / "hearth";
  return std::filesystem::temp_directory_path() / ("hearth-" + std::to_string(::geteuid()));
}

StatusOr<std::unique_ptr<RunnerClient>> RunnerClient::Start(const RunnerOptions& options) {
  ASSIGN_OR_RETURN(std::filesystem::path socket_path, PrepareSocketPath(options));
  const Clock::time_point started = Clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child,
                   ChildProcess::Spawn(RunnerCommand(options, socket_path)));
  std::unique_ptr<RunnerClient> client(new RunnerClient(options, socket_path, std::move(child)));
  RETURN_IF_ERROR(client->WaitUntilReady(options.start_timeout));
  ASSIGN_OR_RETURN(client->started_stats_, client->Stats());
  HEARTH_LOG(INFO) << client->Name() << " is ready after "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)
                          .count()
                   << " ms: " << client->started_stats_.slots << " slot(s) of "
                   << client->started_stats_.context_length << " tokens";
  return client;
}

RunnerClient::RunnerClient(const RunnerOptions& options, std::filesystem::path socket_path,
                           std::unique_ptr<ChildProcess> child)
    : name_(options.display_name.empty() ? options.load.model_path.filename().string()
                                         : options.display_name),
      socket_path_(std::move(socket_path)),
      pid_(child->pid()),
      child_(std::move(child)) {
  drain_ = std::make_unique<RunnerLogDrain>(child_->stderr_fd(), Name());
  channel_ = std::make_unique<RunnerChannel>(RunnerChannelOptions{
      .socket_path = socket_path_,
      .cancel_grace = options.cancel_grace,
      .describe_loss = [this](const Status& cause, bool during) {
        return DescribeLoss(cause, during);
      }});
}

RunnerClient::~RunnerClient() {
  Shutdown(2s);
  drain_.reset();  // before child_, whose stderr pipe it reads
}

std::string RunnerClient::Name() const {
  return "runner for '" + name_ + "' (pid " + std::to_string(pid_) + ")";
}

Status RunnerClient::WaitUntilReady(std::chrono::milliseconds timeout) {
  int fd;
  {
    std::lock_guard lock(child_mu_);
    fd = child_->stdout_fd();
  }
  const Clock::time_point deadline = Clock::now() + timeout;
  std::string line;
  char buffer[512];
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) {
      std::lock_guard lock(child_mu_);
      child_->Signal(SIGKILL);
      return DeadlineExceededError(Name() + " did not load the model within " +
                                   std::to_string(timeout.count()) + " ms; it was stopped");
    }
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&entry, 1, static_cast<int>(std::min(left, 100ms).count())) <= 0) continue;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ExitedBeforeReady();
    line.append(buffer, static_cast<size_t>(n));
  }
  Status started = ParseStartupLine(std::string_view(line).substr(0, line.find('\n')));
  if (started.ok()) return OkStatus();
  // The runner exits after reporting; its log usually has llama.cpp's reason.
  WaitForExit(kExitWait);
  drain_->WaitForEnd(1s);
  return Status(started.code(), Name() + " could not start: " + started.message() +
                                    RecentOutput(drain_->Tail()));
}

Status RunnerClient::ExitedBeforeReady() {
  std::optional<ExitInfo> exit = WaitForExit(kExitWait);
  drain_->WaitForEnd(1s);
  return UnavailableError(Name() + (exit ? " " + exit->Describe() : " closed its output") +
                          " before it was ready" + RecentOutput(drain_->Tail()));
}

std::optional<ExitInfo> RunnerClient::WaitForExit(std::chrono::milliseconds timeout) {
  std::lock_guard lock(child_mu_);
  StatusOr<ExitInfo> exit = child_->Wait(timeout);
  if (!exit.ok()) return std::nullopt;
  return *exit;
}

Status RunnerClient::DescribeLoss(const Status& cause, bool during_request) {
  std::optional<ExitInfo> exit = WaitForExit(kExitWait);
  if (!exit) {
    return UnavailableError(Name() + " dropped the connection" +
                            (during_request ? " during the request: " : ": ") + cause.message());
  }
  std::string message = Name() + " " + exit->Describe() +
                        (during_request ? " during the request" : " before the request");
  // A runner that aborted usually said why; SIGKILL leaves nothing to add.
  if (exit->signal != SIGKILL) {
    drain_->WaitForEnd(1s);
    message += RecentOutput(drain_->Tail());
  }
  return UnavailableError(message);
}

bool RunnerClient::Alive() {
  std::lock_guard lock(child_mu_);
  return !child_->Poll().has_value();
}

ExitInfo RunnerClient::Shutdown(std::chrono::milliseconds grace) {
  std::lock_guard lock(child_mu_);
  ExitInfo exit = child_->Terminate(grace);
  std::error_code ignored;
  std::filesystem::remove(socket_path_, ignored);
  return exit;
}

StatusOr<GenerateResult> RunnerClient::Generate(const GenerateRequest& request,
                                                const PieceCallback& on_piece,
                                                std::stop_token stop) {
  return channel_->Generate(request, on_piece, stop);
}

StatusOr<EmbedResult> RunnerClient::Embed(const EmbedRequest& request, std::stop_token stop) {
  return channel_->Embed(request, stop);
}

StatusOr<RerankResult> RunnerClient::Rerank(const RerankRequest& request, std::stop_token stop) {
  return channel_->Rerank(request, stop);
}

StatusOr<std::vector<int32_t>> RunnerClient::Tokenize(const std::string& text, bool add_special) {
  return channel_->Tokenize(text, add_special);
}

StatusOr<std::string> RunnerClient::Detokenize(const std::vector<int32_t>& tokens) {
  return channel_->Detokenize(tokens);
}

StatusOr<InferenceStats> RunnerClient::Stats() { return channel_->Stats(); }

}  // namespace hearth
