// `hearth rm NAME...`: removes models and the blobs no other model uses.
#include <iostream>

#include "base/options.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth rm NAME [NAME...]";

}  // namespace

int RunRm(const CommandArgs& args) {
  GlobalOptions global;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.empty()) {
    std::cerr << "hearth rm: name the model to remove\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  std::vector<ModelName> names;
  for (const std::string& text : positional) {
    std::optional<ModelName> name = ParseNameArgument("rm", text);
    if (!name) return kExitUsage;
    names.push_back(*std::move(name));
  }
  StatusOr<std::unique_ptr<ModelStore>> store = OpenModelStore(global);
  if (!store.ok()) return ReportFailure("rm", store.status());
  int exit_code = kExitOk;
  for (const ModelName& name : names) {
    Status removed = (*store)->Remove(name);
    if (removed.ok()) {
      std::cout << "deleted '" << name.DisplayName() << "'\n";
    } else {
      exit_code = ReportFailure("rm", removed.code() == StatusCode::kNotFound
                                          ? NotFoundError("model '" + name.DisplayName() +
                                                          "' is not installed; 'hearth list' "
                                                          "shows what is")
                                          : removed);
    }
  }
  return exit_code;
}

}  // namespace hearth::cli
