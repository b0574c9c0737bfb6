// `hearth pull NAME [--insecure] [--registry-url URL] [--hf-endpoint URL]
// [--parallel N]`: fetches a model from a registry (models/model_puller.h).
// On a terminal one progress bar covers every blob; otherwise each step is
// one line. Ctrl-C stops the pull; the next pull resumes where it stopped.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <stop_token>
#include <string>
#include <thread>

#include "base/options.h"
#include "base/paths.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/pull_flags.h"
#include "models/model_puller.h"
#include "models/model_store.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth pull NAME [--insecure] [--registry-url URL] [--hf-endpoint URL] [--parallel N]";
constexpr int kBarWidth = 30;

void BindPullOptions(OptionBinder& binder, PullOptions& options) {
  BindRegistryOptions(binder, options);
  binder.Bind("parallel", "", &options.parallel_streams, "blobs downloaded at the same time");
  binder.Bind("retries", "", &options.retries,
              "times a broken blob transfer is resumed before giving up");
}

// Prints PullProgress events: a redrawn bar on a terminal, lines otherwise.
// Called by the puller one event at a time.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool terminal) : terminal_(terminal) {}
  ~ProgressPrinter() {
    if (bar_shown_) std::cout << "\n" << std::flush;
  }

  void Print(const PullProgress& progress) {
    if (progress.digest.empty()) return PrintStep(progress.status);
    const bool first = blobs_.find(progress.digest) == blobs_.end();
    blobs_[progress.digest] = {progress.total, progress.completed};
    if (terminal_) return DrawBar();
    if (first) std::cout << progress.status << " (" << FormatByteSize(progress.total) << ")\n";
  }

 private:
  struct Blob {
    uint64_t total = 0;
    uint64_t completed = 0;
  };

  void PrintStep(const std::string& status) {
    if (bar_shown_) std::cout << "\n";
    bar_shown_ = false;
    std::cout << status << "\n" << std::flush;
  }

  void DrawBar() {
    uint64_t total = 0;
    uint64_t completed = 0;
    for (const auto& [digest, blob] : blobs_) {
      total += blob.total;
      completed += blob.completed;
    }
    const int percent = total == 0 ? 100 : static_cast<int>(completed * 100 / total);
    if (bar_shown_ && percent == last_percent_ && completed != total) return;
    last_percent_ = percent;
    bar_shown_ = true;
    const int filled = percent * kBarWidth / 100;
    std::cout << "\rpulling " << blobs_.size() << " blob(s) " << percent << "% ["
              << std::string(static_cast<size_t>(filled), '#')
              << std::string(static_cast<size_t>(kBarWidth - filled), ' ') << "] "
              << FormatByteSize(completed) << " / " << FormatByteSize(total) << "\x1b[K"
              << std::flush;
  }

  const bool terminal_;
  std::map<std::string, Blob> blobs_;
  bool bar_shown_ = false;
  int last_percent_ = -1;
};

// Turns SIGINT/SIGTERM into a stop request, on a thread of its own (the
// signals are blocked everywhere else, so no work runs in a handler).
std::jthread StartSignalWatcher(std::stop_source pull_stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return std::jthread([signals, pull_stop](std::stop_token stop) mutable {
    const timespec poll_interval{0, 200'000'000};
    while (!stop.stop_requested()) {
      if (sigtimedwait(&signals, nullptr, &poll_interval) > 0) {
        pull_stop.request_stop();
        return;
      }
    }
  });
}

Status Pull(const GlobalOptions& global, const std::string& name, const PullOptions& options) {
  RETURN_IF_ERROR(EnsureDirectory(global.home));
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store,
                   ModelStore::Open({.root = std::filesystem::path(global.home) / "models"}));
  ProgressPrinter printer(::isatty(STDOUT_FILENO) == 1);
  std::stop_source stop;
  std::jthread watcher = StartSignalWatcher(stop);
  ModelPuller puller(*store, options);
  return puller.Pull(name, [&](const PullProgress& progress) { printer.Print(progress); },
                     stop.get_token());
}

}  // namespace

int RunPull(const CommandArgs& args) {
  GlobalOptions global;
  PullOptions options;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindPullOptions(binder, options);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.size() != 1) {
    std::cerr << "hearth pull: name one model\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  Status status = ApplyGlobalOptions(global);
  if (status.ok()) status = ParseModelName(positional.front()).status();
  if (!status.ok()) {
    std::cerr << "hearth pull: " << status.message() << "\n";
    return kExitUsage;
  }
  status = Pull(global, positional.front(), options);
  if (!status.ok()) {
    std::cerr << "hearth pull: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
