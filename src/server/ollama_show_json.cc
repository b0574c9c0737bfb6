#include "server/ollama_show_json.h"

#include <variant>

#include "base/clock.h"
#include "models/modelfile.h"
#include "server/ollama_responses.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// A scalar GGUF value as JSON; arrays become null (see the header).
json GgufJson(const GgufValue& value) {
  return std::visit(
      [](const auto& held) -> json {
        using T = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<T, GgufArray>) {
          return nullptr;
        } else {
          return held;
        }
      },
      value.storage());
}

bool HasPrefix(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

json ModelInfoJson(const ResolvedModel& model) {
  json info = json::object();
  if (!model.gguf) return info;
  const std::string arch = std::string(model.gguf->architecture()) + ".";
  for (const auto& [key, value] : model.gguf->metadata) {
    if (HasPrefix(key, "general.") || HasPrefix(key, arch) || key == "tokenizer.ggml.model") {
      if (value.AsArray() == nullptr) info[key] = GgufJson(value);
    }
  }
  info["general.parameter_count"] = model.gguf->parameter_count;
  return info;
}

std::string ParametersText(const ModelParameters& parameters) {
  std::string out;
  for (const auto& [name, values] : parameters) {
    for (const std::string& value : values) {
      const std::string padded = name + std::string(name.size() < 30 ? 30 - name.size() : 1, ' ');
      out += padded + (name == "stop" ? "\"" + value + "\"" : value) + "\n";
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> ModelCapabilities(const ResolvedModel& model) {
  if (model.gguf && model.gguf->IsEmbeddingModel()) return {"embedding"};
  std::vector<std::string> capabilities = {"completion"};
  // Jinja templates that render tool definitions mention `tools`; Go
  // templates (Ollama's) use `.Tools`.
  if (model.template_text.find("tools") != std::string::npos ||
      model.template_text.find(".Tools") != std::string::npos) {
    capabilities.push_back("tools");
  }
  return capabilities;
}

json ShowJson(const ResolvedModel& model) {
  json body = {{"modelfile", GeneratedModelfile(model)},
               {"parameters", ParametersText(model.parameters)},
               {"template", model.template_text},
               {"details", DetailsJson(model.entry.details)},
               {"model_info", ModelInfoJson(model)},
               {"capabilities", ModelCapabilities(model)},
               {"modified_at", FormatRfc3339(model.entry.modified)}};
  if (!model.system.empty()) body["system"] = model.system;
  if (!model.license.empty()) body["license"] = model.license;
  if (model.remote) {
    body["hearth"]["remote"] = {{"api", model.remote->api},
                                {"base_url", model.remote->base_url},
                                {"model", model.remote->model}};
  }
  return body;
}

}  // namespace hearth::internal
