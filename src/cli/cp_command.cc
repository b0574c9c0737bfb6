// `hearth cp SOURCE DESTINATION`: gives an installed model a second name.
#include <iostream>

#include "base/options.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth cp SOURCE DESTINATION";

}  // namespace

int RunCp(const CommandArgs& args) {
  GlobalOptions global;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.size() != 2) {
    std::cerr << "hearth cp: give a SOURCE and a DESTINATION\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  std::optional<ModelName> from = ParseNameArgument("cp", positional[0]);
  std::optional<ModelName> to = from ? ParseNameArgument("cp", positional[1]) : std::nullopt;
  if (!from || !to) return kExitUsage;
  StatusOr<std::unique_ptr<ModelStore>> store = OpenModelStore(global);
  if (!store.ok()) return ReportFailure("cp", store.status());
  Status copied = (*store)->Copy(*from, *to);
  if (!copied.ok()) return ReportFailure("cp", copied);
  std::cout << "copied '" << from->DisplayName() << "' to '" << to->DisplayName() << "'\n";
  return kExitOk;
}

}  // namespace hearth::cli
