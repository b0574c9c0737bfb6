// `hearth ps`: the models the running server holds in memory, the budget,
// and why each was loaded (like `ollama ps`, plus the reasons).
#include <iostream>

#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/server_flags.h"
#include "cli/store_verbs.h"
#include "cli/text_table.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth ps [--host H --port P]";

std::string Until(const RunningModel& model) {
  if (model.pinned) return "pinned";
  if (model.active_requests > 0) return "serving";
  if (model.expires_at.rfind("0001-", 0) == 0) return "forever";
  return model.expires_at;
}

Status Ps(const ServerAddress& address) {
  ASSIGN_OR_RETURN(RunningModels running, FetchRunningModels(address));
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "SIZE", "CONTEXT", "SLOTS", "KV", "UNTIL", "LOADED BECAUSE"}};
  for (const RunningModel& model : running.models) {
    rows.push_back({model.name, HumanBytes(model.size) + (model.size_measured ? "" : " (est.)"),
                    std::to_string(model.context_length), std::to_string(model.slots),
                    model.kv_cache_type, Until(model), model.load_reason});
  }
  PrintTable(rows, std::cout);
  std::cout << "memory: " << HumanBytes(running.memory_used) << " of "
            << HumanBytes(running.memory_budget) << " budget in use\n";
  return OkStatus();
}

}  // namespace

int RunPs(const CommandArgs& args) {
  GlobalOptions global;
  ServerAddress address;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindServerAddress(binder, address);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (!positional.empty()) {
    std::cerr << "hearth ps: unexpected argument '" << positional.front() << "'\n";
    return kExitUsage;
  }
  Status status = Ps(address);
  return status.ok() ? kExitOk : ReportFailure("ps", status);
}

}  // namespace hearth::cli
