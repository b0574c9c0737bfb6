// RunnerClient: a model loaded in a `hearth runner` child process, used
// through the InferenceBackend interface (models/inference.h). A crash in
// llama.cpp kills the runner, not the server.
//
// Start() spawns `<runner_binary> runner --model ... --socket ...`, waits for
// its startup line (models/runner_main.h), and asks it for Stats. Requests go
// over the runner's Unix socket, one connection each (RunnerChannel), so they
// run concurrently and a request whose caller goes away is cancelled in the
// runner. The runner's stderr is drained into hearth's log.
//
// When the runner dies (kill -9, an abort in llama.cpp), every request in
// flight fails with Unavailable naming it and its end:
//   "runner for 'llama3.2:1b' (pid 4242) was killed by signal 9 (Killed)
//    during the request"
// Alive() turns false; the owner (the scheduler) drops this client and
// starts a new one for the next request.
//
// Thread-safety: thread-safe, except that the destructor must not run while
// other threads are in a call.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
//                    RunnerClient::Start({.load = {.model_path = blob}, .display_name = "tiny"}));
//   ASSIGN_OR_RETURN(GenerateResult result, runner->Generate(request, print_piece, stop));
#ifndef HEARTH_MODELS_RUNNER_CLIENT_H_
#define HEARTH_MODELS_RUNNER_CLIENT_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "base/child_process.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "models/inference.h"
#include "models/model_load_options.h"

namespace hearth {

class RunnerChannel;
class RunnerLogDrain;

struct RunnerOptions {
  // The model and how the runner loads it.
  ModelLoadOptions load{};
  // How messages and logs name the model ("llama3.2:1b").
  std::string display_name{};
  // The hearth executable; the default is this process's own binary.
  std::filesystem::path runner_binary = "/proc/self/exe";
  // Where runner sockets live; "" = DefaultRunnerSocketDir(). Created with
  // mode 0700 if missing; refused if it is not a directory owned by this user
  // and closed to others. Socket paths are limited to 107 bytes, so keep it
  // short.
  std::filesystem::path socket_dir{};
  // How long the runner may take to load the model and listen.
  std::chrono::milliseconds start_timeout{120'000};
  // After a cancellation, how long to wait for the runner to confirm.
  std::chrono::milliseconds cancel_grace{5'000};
};

// $XDG_RUNTIME_DIR/hearth when that variable is set, else
// <temp dir>/hearth-<uid>.
std::filesystem::path DefaultRunnerSocketDir();

class RunnerClient : public InferenceBackend {
 public:
  // Starts a runner and waits until it serves. Errors:
  //   the runner's own startup error, with its code (NotFound for a missing
  //     model file, InvalidArgument / Internal for one llama.cpp refuses),
  //     prefixed with "runner for 'NAME'";
  //   Unavailable when the runner exits before it is ready (the message has
  //     its exit and the tail of its stderr);
  //   DeadlineExceeded after start_timeout (the runner is killed);
  //   InvalidArgument for a socket path over the limit; FailedPrecondition for
  //     an unsafe socket directory; NotFound / PermissionDenied for the binary.
  static StatusOr<std::unique_ptr<RunnerClient>> Start(const RunnerOptions& options);

  RunnerClient(const RunnerClient&) = delete;
  RunnerClient& operator=(const RunnerClient&) = delete;
  // Shutdown(2 s) if still running.
  ~RunnerClient() override;

  StatusOr<GenerateResult> Generate(const GenerateRequest& request, const PieceCallback& on_piece,
                                    std::stop_token stop) override;
  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token stop) override;
  StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token stop) override;
  StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) override;
  StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) override;
  StatusOr<InferenceStats> Stats() override;

  // False once the runner process has ended (for any reason).
  bool Alive();
  pid_t pid() const { return pid_; }
  const std::string& display_name() const { return name_; }
  const std::filesystem::path& socket_path() const { return socket_path_; }
  // What Stats() said when the runner had just started.
  const InferenceStats& started_stats() const { return started_stats_; }

  // Asks the runner to stop (SIGTERM: requests in flight are cancelled),
  // kills it if it has not exited after `grace`, and removes its socket.
  // Returns how it ended. Later calls return the same; requests fail with
  // Unavailable.
  ExitInfo Shutdown(std::chrono::milliseconds grace);

 private:
  RunnerClient(const RunnerOptions& options, std::filesystem::path socket_path,
               std::unique_ptr<ChildProcess> child);

  // Reads the startup line; the error when the runner did not get ready.
  Status WaitUntilReady(std::chrono::milliseconds timeout);
  Status ExitedBeforeReady();
  // The Unavailable error for a connection lost because of the runner.
  Status DescribeLoss(const Status& cause, bool during_request);
  std::optional<ExitInfo> WaitForExit(std::chrono::milliseconds timeout);
  std::string Name() const;  // "runner for 'NAME' (pid N)"

  const std::string name_;
  const std::filesystem::path socket_path_;
  const pid_t pid_;
  std::mutex child_mu_;
  // Declared before drain_, which reads its stderr pipe.
  std::unique_ptr<ChildProcess> child_ GUARDED_BY(child_mu_);
  std::unique_ptr<RunnerLogDrain> drain_;
  std::unique_ptr<RunnerChannel> channel_;
  InferenceStats started_stats_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_CLIENT_H_
