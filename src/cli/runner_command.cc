// `hearth runner`: the child process that holds one loaded model and serves
// it on a Unix socket (see models/runner_main.h; the server starts it through
// models/runner_client.h). Internal: not listed by `hearth help`.
#include <iostream>

#include "base/options.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "models/runner_main.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth runner --model PATH --socket PATH [--ctx N] [--slots N] [--threads N] [--batch N] "
    "[--kv-type f16|q8_0] [--no-mmap] [--parent-pid PID]";

struct RunnerFlags {
  std::string model;
  std::string socket;
  int context_length = ModelLoadOptions{}.context_length;
  int slots = ModelLoadOptions{}.slots;
  int threads = ModelLoadOptions{}.threads;
  int batch_size = ModelLoadOptions{}.batch_size;
  std::string kv_type = "f16";
  bool mmap = ModelLoadOptions{}.use_mmap;
  int parent_pid = 0;
};

void BindRunnerFlags(OptionBinder& binder, RunnerFlags& flags) {
  binder.Bind("model", "", &flags.model, "the GGUF file to load");
  binder.Bind("socket", "", &flags.socket, "the Unix socket to serve on");
  binder.Bind("ctx", "", &flags.context_length, "tokens of context per slot");
  binder.Bind("slots", "", &flags.slots, "concurrent generations");
  binder.Bind("threads", "", &flags.threads, "CPU threads; 0 = every core");
  binder.Bind("batch", "", &flags.batch_size, "tokens per decode call");
  binder.Bind("kv-type", "", &flags.kv_type, "KV cache type: f16 or q8_0");
  binder.Bind("mmap", "", &flags.mmap, "memory-map the weights");
  binder.Bind("parent-pid", "", &flags.parent_pid, "exit when this process is no longer the parent");
}

// The names RunnerClient passes (models/runner_client.cc).
std::optional<KvCacheType> ParseKvType(std::string_view text) {
  if (text == "f16") return KvCacheType::kF16;
  if (text == "q8_0") return KvCacheType::kQ8_0;
  return std::nullopt;
}

std::optional<std::string> UsageProblem(const RunnerFlags& flags, const CommandArgs& positional) {
  if (!positional.empty()) return "unexpected argument '" + positional.front() + "'";
  if (flags.model.empty() || flags.socket.empty()) return "--model and --socket are required";
  if (!ParseKvType(flags.kv_type)) return "--kv-type must be f16 or q8_0, not '" + flags.kv_type + "'";
  return std::nullopt;
}

}  // namespace

int RunRunner(const CommandArgs& args) {
  GlobalOptions global;
  RunnerFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindRunnerFlags(binder, flags);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (auto problem = UsageProblem(flags, positional)) {
    std::cerr << "hearth runner: " << *problem << "\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  Status status = ApplyGlobalOptions(global);
  if (status.ok()) {
    status = ::hearth::RunRunner({.load = {.model_path = flags.model,
                                           .context_length = flags.context_length,
                                           .slots = flags.slots,
                                           .threads = flags.threads,
                                           .batch_size = flags.batch_size,
                                           .kv_cache_type = *ParseKvType(flags.kv_type),
                                           .use_mmap = flags.mmap},
                                  .socket_path = flags.socket,
                                  .parent_pid = flags.parent_pid});
  }
  if (!status.ok()) {
    std::cerr << "hearth runner: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
