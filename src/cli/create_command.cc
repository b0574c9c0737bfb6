// `hearth create NAME --from FILE.gguf|MODEL` and `hearth create NAME -f
// Modelfile`: installs a model in the store (models/model_store.h).
#include <filesystem>
#include <iostream>

#include "base/options.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"
#include "models/modelfile.h"

namespace hearth::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kUsage[] = "hearth create NAME (--from FILE.gguf|MODEL | -f Modelfile)";

struct CreateFlags {
  std::string from;
  std::string modelfile;
};

// OptionBinder takes long flags only; Ollama's `-f Modelfile` is kept.
CommandArgs ExpandShortFlags(const CommandArgs& args) {
  CommandArgs expanded;
  bool options_ended = false;
  for (const std::string& arg : args) {
    options_ended = options_ended || arg == "--";
    expanded.push_back(!options_ended && arg == "-f" ? "--file" : arg);
  }
  return expanded;
}

StatusOr<CreateSpec> SpecFrom(const CreateFlags& flags) {
  if (!flags.from.empty()) {
    CreateSpec spec;
    RETURN_IF_ERROR(ResolveModelfileFrom(flags.from, fs::current_path(), &spec));
    return spec;
  }
  const fs::path path = fs::absolute(flags.modelfile);
  ASSIGN_OR_RETURN(Modelfile modelfile, ReadModelfile(path));
  return ModelfileToCreateSpec(modelfile, path.parent_path());
}

Status Create(const GlobalOptions& global, const ModelName& name, const CreateFlags& flags) {
  ASSIGN_OR_RETURN(CreateSpec spec, SpecFrom(flags));
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store, OpenModelStore(global));
  ASSIGN_OR_RETURN(ModelEntry entry, store->Create(name, spec));
  const ModelDetails& details = entry.details;
  std::cout << "created " << entry.name.DisplayName() << " (" << details.family << " "
            << details.parameter_size << " " << details.quantization_level << ", "
            << HumanBytes(entry.size) << ")\n";
  return OkStatus();
}

}  // namespace

int RunCreate(const CommandArgs& args) {
  GlobalOptions global;
  CreateFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  binder.Bind("from", "", &flags.from,
              "a GGUF file to import, or an installed model to derive from");
  binder.Bind("file", "", &flags.modelfile, "a Modelfile (also -f)");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, ExpandShortFlags(args), &positional)) {
    return *exit_code;
  }
  if (positional.size() != 1 || flags.from.empty() == flags.modelfile.empty()) {
    std::cerr << "hearth create: give one NAME and either --from or -f\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  std::optional<ModelName> name = ParseNameArgument("create", positional.front());
  if (!name) return kExitUsage;
  Status status = Create(global, *name, flags);
  return status.ok() ? kExitOk : ReportFailure("create", status);
}

}  // namespace hearth::cli
