#include "cli/scheduler_flags.h"

#include "base/status_macros.h"

namespace hearth::cli {

void BindSchedulerFlags(OptionBinder& binder, SchedulerFlags& flags) {
  binder.BindBytes("memory-budget", "HEARTH_MEMORY_BUDGET", &flags.memory_budget,
                   "memory all loaded models may hold together (0 = RAM minus max(2 GiB, 10%))");
  binder.BindDuration("keep-alive", "HEARTH_KEEP_ALIVE", &flags.keep_alive,
                      "how long an idle model stays loaded (negative: forever; 0: unload at once)");
  binder.Bind("context", "HEARTH_CONTEXT", &flags.context,
              "tokens of context per slot a model is loaded with, unless a request asks for more");
  binder.Bind("parallel", "HEARTH_PARALLEL", &flags.parallel,
              "concurrent generations per chat model (slots)");
  binder.Bind("threads", "HEARTH_THREADS", &flags.threads, "CPU threads per runner (0 = all cores)");
  binder.Bind("batch", "HEARTH_BATCH", &flags.batch, "tokens per decode (prefill chunk size)");
  binder.BindList("pin", "HEARTH_PIN", &flags.pins,
                  "model to load at start and never evict (repeatable; the variable takes a "
                  "comma-separated list)");
}

StatusOr<SchedulerOptions> ToSchedulerOptions(const SchedulerFlags& flags) {
  if (flags.context < 16) return InvalidArgumentError("--context must be at least 16");
  if (flags.parallel < 1 || flags.parallel > 64) {
    return InvalidArgumentError("--parallel must be from 1 to 64");
  }
  if (flags.threads < 0) return InvalidArgumentError("--threads must not be negative");
  if (flags.batch < 16) return InvalidArgumentError("--batch must be at least 16");
  return SchedulerOptions{
      .memory_budget = flags.memory_budget,
      .default_keep_alive = std::chrono::duration_cast<std::chrono::seconds>(flags.keep_alive),
      .default_context = flags.context,
      .slots = flags.parallel,
      .threads = flags.threads,
      .batch_size = flags.batch};
}

StatusOr<std::vector<ModelName>> PinnedModels(const SchedulerFlags& flags) {
  std::vector<ModelName> names;
  for (const std::string& pin : flags.pins) {
    StatusOr<ModelName> name = ParseModelName(pin);
    if (!name.ok()) return InvalidArgumentError("--pin: " + name.status().message());
    names.push_back(std::move(*name));
  }
  return names;
}

}  // namespace hearth::cli
