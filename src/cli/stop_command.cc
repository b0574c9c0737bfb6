// `hearth stop MODEL`: unload a model from the running server now (Ollama's
// `ollama stop`). A pinned model stays loaded.
#include <iostream>

#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/server_flags.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth stop MODEL [--host H --port P]";

}  // namespace

int RunStop(const CommandArgs& args) {
  GlobalOptions global;
  ServerAddress address;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindServerAddress(binder, address);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.size() != 1) {
    std::cerr << "usage: " << kUsage << "\n";
    return kExitUsage;
  }
  Status status = StopModel(address, positional.front());
  return status.ok() ? kExitOk : ReportFailure("stop", status);
}

}  // namespace hearth::cli
