// The flags and HEARTH_* variables of the model scheduler, shared by the
// verbs that run one (`hearth serve`), mapped onto SchedulerOptions.
#ifndef HEARTH_CLI_SCHEDULER_FLAGS_H_
#define HEARTH_CLI_SCHEDULER_FLAGS_H_

#include <chrono>
#include <string>
#include <vector>

#include "base/options.h"
#include "base/status.h"
#include "models/model_name.h"
#include "models/scheduler.h"

namespace hearth::cli {

struct SchedulerFlags {
  uint64_t memory_budget = 0;  // 0 = RAM minus max(2 GiB, 10 %)
  std::chrono::milliseconds keep_alive = std::chrono::minutes(5);
  int context = 4096;
  int parallel = 1;
  int threads = 0;
  int batch = 512;
  std::vector<std::string> pins;
};

// Registers the flags; `flags` must outlive `binder`.
void BindSchedulerFlags(OptionBinder& binder, SchedulerFlags& flags);

// The options the flags describe. Errors: InvalidArgument for a value out of
// range, naming the flag.
StatusOr<SchedulerOptions> ToSchedulerOptions(const SchedulerFlags& flags);

// The --pin names, parsed. Errors: InvalidArgument naming the bad one.
StatusOr<std::vector<ModelName>> PinnedModels(const SchedulerFlags& flags);

}  // namespace hearth::cli

#endif  // HEARTH_CLI_SCHEDULER_FLAGS_H_
