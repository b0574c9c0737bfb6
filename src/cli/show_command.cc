// `hearth show NAME [--modelfile | --json | --template | --system |
// --license | --parameters]`: what an installed model is, like `ollama show`.
#include <iostream>
#include <sstream>

#include "base/escaping.h"
#include "base/options.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"
#include "models/modelfile.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth show NAME [--modelfile | --json | --template | --system | --license | --parameters]";

struct ShowFlags {
  bool modelfile = false;
  bool json = false;
  bool template_text = false;
  bool system = false;
  bool license = false;
  bool parameters = false;
};

std::string Indented(std::string_view text, std::string_view indent = "    ") {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += std::string(indent) + std::string(text.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return out;
}

std::string Row(std::string_view key, std::string_view value) {
  std::string line = "    " + std::string(key);
  line += std::string(key.size() < 20 ? 20 - key.size() : 1, ' ');
  return line + std::string(value) + "\n";
}

std::string OptionalNumber(std::optional<uint64_t> value) {
  return value ? std::to_string(*value) : "";
}

std::string ModelSection(const ResolvedModel& model) {
  std::string out = "  Model\n";
  if (model.remote) {
    out += Row("remote", model.remote->api + " " + model.remote->base_url);
    return out + Row("model", model.remote->model) + "\n";
  }
  out += Row("architecture", model.entry.details.family);
  out += Row("parameters", model.entry.details.parameter_size);
  out += Row("quantization", model.entry.details.quantization_level);
  out += Row("context length", OptionalNumber(model.gguf->GetArchUint("context_length")));
  out += Row("embedding length", OptionalNumber(model.gguf->GetArchUint("embedding_length")));
  return out + "\n";
}

std::string ParametersText(const ModelParameters& parameters) {
  std::string out;
  for (const auto& [name, values] : parameters) {
    for (const std::string& value : values) {
      const bool quoted = name == "stop";
      out += name + std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') +
             (quoted ? "\"" + EscapeForDisplay(value) + "\"" : value) + "\n";
    }
  }
  return out;
}

std::string Section(std::string_view title, std::string_view text) {
  if (text.empty()) return "";
  return "  " + std::string(title) + "\n" + Indented(text) + "\n";
}

std::string HumanReadable(const ResolvedModel& model) {
  return ModelSection(model) + Section("Template", model.template_text) +
         Section("System", model.system) + Section("License", model.license) +
         Section("Parameters", ParametersText(model.parameters));
}

std::string JsonString(std::string_view text) { return "\"" + JsonEscape(text) + "\""; }

// A parameter value as JSON: numbers and booleans bare (they were validated
// when the model was created), anything else as a string.
std::string JsonValue(std::string_view text) {
  if (text == "true" || text == "false" || ParseDouble(text).ok()) return std::string(text);
  return JsonString(text);
}

std::string JsonParameters(const ModelParameters& parameters) {
  std::string out = "{";
  for (const auto& [name, values] : parameters) {
    if (out.size() > 1) out += ",";
    out += JsonString(name) + ":";
    if (name != "stop" && values.size() == 1) {
      out += JsonValue(values.front());
      continue;
    }
    out += "[";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + JsonString(values[i]);
    out += "]";
  }
  return out + "}";
}

std::string JsonText(const ResolvedModel& model) {
  const ModelDetails& details = model.entry.details;
  std::ostringstream out;
  out << "{\"name\":" << JsonString(model.entry.name.DisplayName())
      << ",\"digest\":" << JsonString(model.entry.manifest_digest.Hex())
      << ",\"size\":" << model.entry.size
      << ",\"details\":{\"format\":" << JsonString(details.format)
      << ",\"family\":" << JsonString(details.family)
      << ",\"parameter_size\":" << JsonString(details.parameter_size)
      << ",\"quantization_level\":" << JsonString(details.quantization_level) << "}";
  if (model.gguf) {
    out << ",\"context_length\":" << model.gguf->GetArchUint("context_length").value_or(0)
        << ",\"embedding_length\":" << model.gguf->GetArchUint("embedding_length").value_or(0)
        << ",\"parameter_count\":" << model.gguf->parameter_count;
  }
  out << ",\"template\":" << JsonString(model.template_text)
      << ",\"system\":" << JsonString(model.system) << ",\"license\":" << JsonString(model.license)
      << ",\"parameters\":" << JsonParameters(model.parameters)
      << ",\"modelfile\":" << JsonString(GeneratedModelfile(model)) << "}\n";
  return out.str();
}

std::string Render(const ResolvedModel& model, const ShowFlags& flags) {
  if (flags.json) return JsonText(model);
  if (flags.modelfile) return GeneratedModelfile(model);
  if (flags.template_text) return model.template_text + "\n";
  if (flags.system) return model.system + "\n";
  if (flags.license) return model.license + "\n";
  if (flags.parameters) return ParametersText(model.parameters);
  return HumanReadable(model);
}

Status Show(const GlobalOptions& global, const ModelName& name, const ShowFlags& flags) {
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store, OpenModelStore(global));
  ASSIGN_OR_RETURN(ResolvedModel model, store->Resolve(name));
  std::cout << Render(model, flags);
  return OkStatus();
}

}  // namespace

int RunShow(const CommandArgs& args) {
  GlobalOptions global;
  ShowFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  binder.Bind("modelfile", "", &flags.modelfile, "print a Modelfile that recreates the model");
  binder.Bind("json", "", &flags.json, "print JSON for programs");
  binder.Bind("template", "", &flags.template_text, "print only the prompt template");
  binder.Bind("system", "", &flags.system, "print only the system prompt");
  binder.Bind("license", "", &flags.license, "print only the license");
  binder.Bind("parameters", "", &flags.parameters, "print only the parameters");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  const int views = int{flags.modelfile} + int{flags.json} + int{flags.template_text} +
                    int{flags.system} + int{flags.license} + int{flags.parameters};
  if (positional.size() != 1 || views > 1) {
    std::cerr << "hearth show: give one NAME and at most one view flag\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  std::optional<ModelName> name = ParseNameArgument("show", positional.front());
  if (!name) return kExitUsage;
  Status status = Show(global, *name, flags);
  return status.ok() ? kExitOk : ReportFailure("show", status);
}

}  // namespace hearth::cli
