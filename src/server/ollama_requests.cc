#include "server/ollama_requests.h"

#include <cmath>

#include "base/status_macros.h"
#include "server/json_body.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

Status NumberField(const json& options, std::string_view key, float* target) {
  auto it = options.find(key);
  if (it == options.end() || it->is_null()) return OkStatus();
  if (!it->is_number()) return InvalidArgumentError("options." + std::string(key) + " must be a number");
  // Sampling values are small; anything huge is a mistake, and a double
  // beyond float's range does not convert.
  const double value = it->get<double>();
  if (!std::isfinite(value) || std::abs(value) > 1e6) {
    return InvalidArgumentError("options." + std::string(key) + " is out of range");
  }
  *target = static_cast<float>(value);
  return OkStatus();
}

Status IntField(const json& options, std::string_view key, int32_t* target) {
  auto it = options.find(key);
  if (it == options.end() || it->is_null()) return OkStatus();
  if (!it->is_number_integer()) {
    return InvalidArgumentError("options." + std::string(key) + " must be a whole number");
  }
  int64_t value = it->get<int64_t>();
  if (value < INT32_MIN || value > INT32_MAX) {
    return InvalidArgumentError("options." + std::string(key) + " is out of range");
  }
  *target = static_cast<int32_t>(value);
  return OkStatus();
}

Status StopField(const json& options, std::vector<std::string>* stop) {
  auto it = options.find("stop");
  if (it == options.end() || it->is_null()) return OkStatus();
  if (it->is_string()) {
    stop->push_back(it->get<std::string>());
    return OkStatus();
  }
  if (!it->is_array() || it->size() > kMaxStopStrings) {
    return InvalidArgumentError("options.stop must be a string or an array of at most " +
                                std::to_string(kMaxStopStrings) + " strings");
  }
  for (const json& item : *it) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      return InvalidArgumentError("options.stop must hold non-empty strings");
    }
    stop->push_back(item.get<std::string>());
  }
  return OkStatus();
}

Status ApplyOptions(const json& body, ModelRequest* model, GenerateRequest* generate) {
  auto it = body.find("options");
  if (it == body.end() || it->is_null()) return OkStatus();
  if (!it->is_object()) return InvalidArgumentError("\"options\" must be an object");
  SamplingOptions& sampling = generate->sampling;
  RETURN_IF_ERROR(NumberField(*it, "temperature", &sampling.temperature));
  RETURN_IF_ERROR(IntField(*it, "top_k", &sampling.top_k));
  RETURN_IF_ERROR(NumberField(*it, "top_p", &sampling.top_p));
  RETURN_IF_ERROR(NumberField(*it, "min_p", &sampling.min_p));
  RETURN_IF_ERROR(NumberField(*it, "repeat_penalty", &sampling.repeat_penalty));
  RETURN_IF_ERROR(IntField(*it, "repeat_last_n", &sampling.repeat_last_n));
  RETURN_IF_ERROR(NumberField(*it, "presence_penalty", &sampling.presence_penalty));
  RETURN_IF_ERROR(NumberField(*it, "frequency_penalty", &sampling.frequency_penalty));
  int32_t seed = -1;
  RETURN_IF_ERROR(IntField(*it, "seed", &seed));
  if (seed >= 0) sampling.seed = static_cast<uint32_t>(seed);
  RETURN_IF_ERROR(IntField(*it, "num_predict", &generate->max_tokens));
  RETURN_IF_ERROR(IntField(*it, "num_ctx", &model->context_length));
  if (model->context_length < 0) return InvalidArgumentError("options.num_ctx must not be negative");
  return StopField(*it, &generate->stop);
}

StatusOr<bool> BoolField(const json& body, std::string_view key, bool fallback) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return InvalidArgumentError("\"" + std::string(key) + "\" must be true or false");
  return it->get<bool>();
}

Status EmbedInputs(const json& body, std::vector<std::string>* inputs) {
  auto it = body.find("input");
  if (it == body.end()) it = body.find("prompt");  // the legacy /api/embeddings field
  if (it == body.end() || it->is_null()) return InvalidArgumentError("\"input\" is required");
  if (it->is_string()) {
    inputs->push_back(it->get<std::string>());
  } else if (it->is_array() && it->size() <= kMaxEmbedInputs) {
    for (const json& item : *it) {
      if (!item.is_string()) return InvalidArgumentError("\"input\" must hold strings");
      inputs->push_back(item.get<std::string>());
    }
  } else {
    return InvalidArgumentError("\"input\" must be a string or an array of at most " +
                                std::to_string(kMaxEmbedInputs) + " strings");
  }
  size_t total = 0;
  for (const std::string& input : *inputs) total += input.size();
  if (total > kMaxPromptBytes) return InvalidArgumentError("\"input\" is too large");
  return OkStatus();
}

}  // namespace

StatusOr<ModelName> ModelField(const json& body) {
  ASSIGN_OR_RETURN(std::optional<std::string> model, OptionalString(body, "model"));
  if (!model || model->empty()) return InvalidArgumentError("\"model\" is required");
  return ParseModelName(*model);
}

StatusOr<OllamaGenerate> ParseOllamaGenerate(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelField(body));
  OllamaGenerate call{.model = {.model = std::move(name), .purpose = "generate request"}};
  ASSIGN_OR_RETURN(call.model.keep_alive, KeepAliveField(body));
  ASSIGN_OR_RETURN(std::optional<std::string> prompt, OptionalString(body, "prompt"));
  ASSIGN_OR_RETURN(std::optional<std::string> system, OptionalString(body, "system"));
  call.generate.prompt = prompt.value_or("");
  if (system && !system->empty()) call.generate.prompt = *system + "\n\n" + call.generate.prompt;
  if (call.generate.prompt.size() > kMaxPromptBytes) {
    return InvalidArgumentError("\"prompt\" is larger than " + std::to_string(kMaxPromptBytes >> 20) +
                                " MiB");
  }
  call.load_only = !prompt || prompt->empty();
  ASSIGN_OR_RETURN(call.stream, BoolField(body, "stream", true));
  RETURN_IF_ERROR(ApplyOptions(body, &call.model, &call.generate));
  return call;
}

StatusOr<OllamaEmbed> ParseOllamaEmbed(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelField(body));
  OllamaEmbed call{.model = {.model = std::move(name), .purpose = "embed request"}};
  ASSIGN_OR_RETURN(call.model.keep_alive, KeepAliveField(body));
  ASSIGN_OR_RETURN(call.embed.truncate, BoolField(body, "truncate", true));
  RETURN_IF_ERROR(EmbedInputs(body, &call.embed.inputs));
  GenerateRequest unused;  // embed reads only num_ctx of the options
  RETURN_IF_ERROR(ApplyOptions(body, &call.model, &unused));
  return call;
}

}  // namespace hearth::internal
