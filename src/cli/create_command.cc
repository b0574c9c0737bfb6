// `hearth create NAME --from FILE.gguf|MODEL`, `hearth create NAME -f
// Modelfile` and `hearth create NAME --remote-url URL --remote-model M`:
// installs a model in the store (models/model_store.h).
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

constexpr char kUsage[] =
    "hearth create NAME (--from FILE.gguf|MODEL | -f Modelfile | --remote-url URL "
    "--remote-model M [--remote-api ollama|openai] [--remote-key-env VAR])";

struct CreateFlags {
  std::string from;
  std::string modelfile;
  RemoteModel remote{.api = "ollama"};
};

bool IsRemote(const CreateFlags& flags) {
  return !flags.remote.base_url.empty() || !flags.remote.model.empty();
}

// How many of --from, -f and --remote-url/--remote-model were given.
int SourcesGiven(const CreateFlags& flags) {
  return int{!flags.from.empty()} + int{!flags.modelfile.empty()} + int{IsRemote(flags)};
}

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
  if (IsRemote(flags)) return CreateSpec{.remote = flags.remote};
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
  binder.Bind("remote-url", "", &flags.remote.base_url,
              "serve from a remote provider at this URL (http://gpu:11434, https://host/v1)");
  binder.Bind("remote-model", "", &flags.remote.model, "the model's name at the remote provider");
  binder.Bind("remote-api", "", &flags.remote.api, "the remote provider's API: ollama or openai");
  binder.Bind("remote-key-env", "", &flags.remote.api_key_env,
              "an environment variable holding the remote provider's API key");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, ExpandShortFlags(args), &positional)) {
    return *exit_code;
  }
  if (positional.size() != 1 || SourcesGiven(flags) != 1) {
    std::cerr << "hearth create: give one NAME and one of --from, -f or --remote-url\nusage: "
              << kUsage << "\n";
    return kExitUsage;
  }
  std::optional<ModelName> name = ParseNameArgument("create", positional.front());
  if (!name) return kExitUsage;
  Status status = Create(global, *name, flags);
  return status.ok() ? kExitOk : ReportFailure("create", status);
}

}  // namespace hearth::cli
