// `hearth quantize-worker`: the child process `hearth quantize` starts (see
// models/quantize_worker.h). Internal: not listed by `hearth help`.
#include <iostream>

#include "base/options.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "models/quantize_worker.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth quantize-worker --in SRC --out DST --type TYPE [--threads N] [--allow-requantize]";

struct WorkerFlags {
  std::string input;
  std::string output;
  std::string type;
  int threads = 0;
  bool allow_requantize = false;
};

void BindWorkerFlags(OptionBinder& binder, WorkerFlags& flags) {
  binder.Bind("in", "", &flags.input, "the GGUF file to quantize");
  binder.Bind("out", "", &flags.output, "where to write the result");
  binder.Bind("type", "", &flags.type, QuantizeTargetList());
  binder.Bind("threads", "", &flags.threads, "threads to quantize with; 0 = every core");
  binder.Bind("allow-requantize", "", &flags.allow_requantize,
              "quantize tensors that are already quantized");
}

}  // namespace

int RunQuantizeWorker(const CommandArgs& args) {
  WorkerFlags flags;
  OptionBinder binder;
  BindWorkerFlags(binder, flags);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  StatusOr<QuantizationType> type = ParseQuantizeTarget(flags.type);
  if (!positional.empty() || flags.input.empty() || flags.output.empty() || !type.ok()) {
    std::cerr << "hearth quantize-worker: "
              << (type.ok() ? "--in and --out are required" : type.status().message())
              << "\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  Status status = ::hearth::RunQuantizeWorker({.input = flags.input,
                                               .output = flags.output,
                                               .type = *type,
                                               .allow_requantize = flags.allow_requantize,
                                               .threads = flags.threads},
                                              std::cout);
  if (!status.ok()) {
    std::cerr << "hearth quantize-worker: " << status.message() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
