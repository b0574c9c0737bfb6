#include "server/ollama_admin_requests.h"

#include "base/status_macros.h"
#include "models/quantization_type.h"
#include "server/json_body.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

constexpr size_t kMaxFiles = 16;

// An optional boolean field; `absent` when missing or null.
StatusOr<bool> BoolField(const json& body, const char* key, bool absent) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return absent;
  if (!it->is_boolean()) {
    return InvalidArgumentError("\"" + std::string(key) + "\" must be true or false");
  }
  return it->get<bool>();
}

StatusOr<bool> StreamField(const json& body) { return BoolField(body, "stream", true); }

StatusOr<ModelName> RequiredName(const json& body, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, key));
  if (!text || text->empty()) return InvalidArgumentError("\"" + std::string(key) + "\" is required");
  return ParseModelName(*text);
}

// A scalar parameter value as the text a Modelfile PARAMETER line holds.
StatusOr<std::string> ParameterText(const std::string& name, const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return InvalidArgumentError("parameters." + name + " must be a number, boolean or string");
}

Status RefuseUnsupported(const json& body) {
  if (body.contains("modelfile") && !body["modelfile"].is_null()) {
    return InvalidArgumentError(
        "the legacy \"modelfile\" field is not supported; send \"from\" or \"files\" with "
        "\"template\", \"system\" and \"parameters\"");
  }
  if (body.contains("adapters") && !body["adapters"].empty()) {
    return InvalidArgumentError("\"adapters\" (LoRA) are not supported");
  }
  return OkStatus();
}

// "files": {"model.gguf": "sha256:..."}; hearth takes exactly one GGUF.
StatusOr<Digest> FilesField(const json& files) {
  if (!files.is_object() || files.empty() || files.size() > kMaxFiles) {
    return InvalidArgumentError("\"files\" must be an object of file name to blob digest");
  }
  std::optional<Digest> gguf;
  for (const auto& [name, digest] : files.items()) {
    if (!digest.is_string()) return InvalidArgumentError("files." + name + " must be a digest string");
    StatusOr<Digest> parsed = Digest::Parse(digest.get<std::string>());
    if (!parsed.ok()) return InvalidArgumentError("files." + name + ": " + parsed.status().message());
    if (name.size() < 5 || name.substr(name.size() - 5) != ".gguf") {
      return InvalidArgumentError("files." + name + ": only .gguf files are supported");
    }
    if (gguf) return InvalidArgumentError("\"files\" must name exactly one .gguf file");
    gguf = *parsed;
  }
  return *gguf;
}

// "quantize": "q4_K_M" (any case), one of `hearth quantize --type`'s targets.
StatusOr<std::optional<QuantizationType>> QuantizeField(const json& body) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(body, "quantize"));
  if (!text) return std::optional<QuantizationType>();
  StatusOr<QuantizationType> type = ParseQuantizeTarget(*text);
  if (!type.ok()) return InvalidArgumentError("\"quantize\": " + type.status().message());
  return std::optional<QuantizationType>(*type);
}

// Ollama's license may be one string or a list of them.
StatusOr<std::optional<std::string>> LicenseField(const json& body) {
  auto it = body.find("license");
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (it->is_string()) return std::optional<std::string>(it->get<std::string>());
  if (!it->is_array()) return InvalidArgumentError("\"license\" must be a string or strings");
  std::string text;
  for (const json& item : *it) {
    if (!item.is_string()) return InvalidArgumentError("\"license\" must be a string or strings");
    text += (text.empty() ? "" : "\n") + item.get<std::string>();
  }
  return std::optional<std::string>(text);
}

}  // namespace

StatusOr<ModelName> ModelOrNameField(const json& body) {
  return RequiredName(body, body.contains("model") ? "model" : "name");
}

StatusOr<ModelParameters> ParametersField(const json& body) {
  ModelParameters parameters;
  auto it = body.find("parameters");
  if (it == body.end() || it->is_null()) return parameters;
  if (!it->is_object()) return InvalidArgumentError("\"parameters\" must be an object");
  for (const auto& [name, value] : it->items()) {
    std::vector<std::string>& values = parameters[name];
    if (!value.is_array()) {
      ASSIGN_OR_RETURN(std::string text, ParameterText(name, value));
      values.push_back(std::move(text));
      continue;
    }
    for (const json& item : value) {
      ASSIGN_OR_RETURN(std::string text, ParameterText(name, item));
      values.push_back(std::move(text));
    }
  }
  return parameters;
}

StatusOr<OllamaShow> ParseOllamaShow(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelOrNameField(body));
  return OllamaShow{.model = std::move(name)};
}

StatusOr<OllamaCreate> ParseOllamaCreate(const json& body) {
  RETURN_IF_ERROR(RefuseUnsupported(body));
  ASSIGN_OR_RETURN(ModelName name, ModelOrNameField(body));
  OllamaCreate call{.model = std::move(name)};
  ASSIGN_OR_RETURN(std::optional<std::string> from, OptionalString(body, "from"));
  auto files = body.find("files");
  const bool has_files = files != body.end() && !files->is_null();
  if (from.has_value() == has_files) {
    return InvalidArgumentError("give exactly one of \"from\" (an installed model) and \"files\"");
  }
  if (from) {
    ASSIGN_OR_RETURN(call.from, ParseModelName(*from));
  } else {
    ASSIGN_OR_RETURN(call.model_blob, FilesField(*files));
  }
  ASSIGN_OR_RETURN(call.spec.template_text, OptionalString(body, "template"));
  ASSIGN_OR_RETURN(call.spec.system, OptionalString(body, "system"));
  ASSIGN_OR_RETURN(call.spec.license, LicenseField(body));
  ASSIGN_OR_RETURN(call.spec.parameters, ParametersField(body));
  ASSIGN_OR_RETURN(call.quantize, QuantizeField(body));
  ASSIGN_OR_RETURN(call.stream, StreamField(body));
  return call;
}

StatusOr<OllamaCopy> ParseOllamaCopy(const json& body) {
  ASSIGN_OR_RETURN(ModelName source, RequiredName(body, "source"));
  ASSIGN_OR_RETURN(ModelName destination, RequiredName(body, "destination"));
  return OllamaCopy{.source = std::move(source), .destination = std::move(destination)};
}

StatusOr<OllamaPull> ParseOllamaPull(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelOrNameField(body));  // checks the text
  OllamaPull call;
  call.model = body.at(body.contains("model") ? "model" : "name").get<std::string>();
  ASSIGN_OR_RETURN(call.stream, StreamField(body));
  ASSIGN_OR_RETURN(call.insecure, BoolField(body, "insecure", false));
  return call;
}

}  // namespace hearth::internal
