#include "server/ollama_requests.h"

#include <cmath>

#include "base/status_macros.h"
#include "base/value_parsers.h"
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

// `given`, when not null, receives the name of every option set (not null).
Status ApplyOptions(const json& body, ModelRequest* model, GenerateRequest* generate,
                    GivenOptions* given = nullptr) {
  auto it = body.find("options");
  if (it == body.end() || it->is_null()) return OkStatus();
  if (!it->is_object()) return InvalidArgumentError("\"options\" must be an object");
  for (const auto& [key, value] : it->items()) {
    if (given != nullptr && !value.is_null()) given->insert(key);
  }
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
  if (total > kMaxPromptBytes) return TextTooLarge("\"input\"", total);
  return OkStatus();
}

// Ollama sends tool arguments as an object; the formatter takes JSON text.
StatusOr<ChatToolCall> ToolCallFrom(const json& call) {
  if (!call.is_object() || !call.contains("function") || !call["function"].is_object()) {
    return InvalidArgumentError("tool_calls entries must be {\"function\": {\"name\", \"arguments\"}}");
  }
  const json& function = call["function"];
  if (!function.contains("name") || !function["name"].is_string()) {
    return InvalidArgumentError("tool_calls[].function.name must be a string");
  }
  json arguments = function.value("arguments", json::object());
  return ChatToolCall{.name = function["name"].get<std::string>(),
                      .arguments_json = arguments.is_string() ? arguments.get<std::string>()
                                                              : arguments.dump()};
}

StatusOr<ChatMessage> ChatMessageFrom(const json& item, bool* has_images) {
  if (!item.is_object()) return InvalidArgumentError("\"messages\" must hold objects");
  ChatMessage message;
  ASSIGN_OR_RETURN(std::optional<std::string> role, OptionalString(item, "role"));
  if (!role || (*role != "system" && *role != "user" && *role != "assistant" && *role != "tool")) {
    return InvalidArgumentError("messages[].role must be system, user, assistant or tool");
  }
  message.role = *role;
  ASSIGN_OR_RETURN(std::optional<std::string> content, OptionalString(item, "content"));
  message.content = content.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> tool_name, OptionalString(item, "tool_name"));
  message.tool_name = tool_name.value_or("");
  if (auto images = item.find("images"); images != item.end() && images->is_array() && !images->empty()) {
    *has_images = true;
  }
  if (auto calls = item.find("tool_calls"); calls != item.end() && !calls->is_null()) {
    if (!calls->is_array()) return InvalidArgumentError("messages[].tool_calls must be an array");
    for (const json& call : *calls) {
      ASSIGN_OR_RETURN(ChatToolCall parsed, ToolCallFrom(call));
      message.tool_calls.push_back(std::move(parsed));
    }
  }
  return message;
}

Status ChatMessages(const json& body, OllamaChat* call) {
  auto it = body.find("messages");
  if (it == body.end() || !it->is_array() || it->size() > kMaxChatMessages) {
    return InvalidArgumentError("\"messages\" must be an array of at most " +
                                std::to_string(kMaxChatMessages) + " messages");
  }
  size_t total = 0;
  for (const json& item : *it) {
    ASSIGN_OR_RETURN(ChatMessage message, ChatMessageFrom(item, &call->has_images));
    total += message.content.size();
    call->chat.messages.push_back(std::move(message));
  }
  if (total > kMaxPromptBytes) return TextTooLarge("\"messages\"", total);
  return OkStatus();
}

StatusOr<std::string> FormatField(const json& body) {
  auto it = body.find("format");
  if (it == body.end() || it->is_null()) return std::string();
  if (it->is_string()) {
    if (it->get<std::string>().empty()) return std::string();
    if (it->get<std::string>() != "json") {
      return InvalidArgumentError("\"format\" must be \"json\" or a JSON schema object");
    }
    return std::string("json");
  }
  if (!it->is_object()) return InvalidArgumentError("\"format\" must be \"json\" or a JSON schema object");
  return it->dump();
}

}  // namespace

StatusOr<OllamaChat> ParseOllamaChat(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelField(body));
  OllamaChat call{.model = {.model = std::move(name), .purpose = "chat request"}};
  ASSIGN_OR_RETURN(call.model.keep_alive, KeepAliveField(body));
  ASSIGN_OR_RETURN(call.stream, BoolField(body, "stream", true));
  RETURN_IF_ERROR(ChatMessages(body, &call));
  if (auto tools = body.find("tools"); tools != body.end() && !tools->is_null()) {
    if (!tools->is_array()) return InvalidArgumentError("\"tools\" must be an array");
    if (!tools->empty()) call.chat.tools_json = tools->dump();
  }
  ASSIGN_OR_RETURN(call.format, FormatField(body));
  RETURN_IF_ERROR(ApplyOptions(body, &call.model, &call.generate, &call.given_options));
  return call;
}

StatusOr<ModelName> ModelField(const json& body) {
  ASSIGN_OR_RETURN(std::optional<std::string> model, OptionalString(body, "model"));
  if (!model || model->empty()) return InvalidArgumentError("\"model\" is required");
  return ParseModelName(*model);
}

Status TextTooLarge(std::string_view what, size_t bytes) {
  return InvalidArgumentError(std::string(what) + " is " + std::to_string(bytes) +
                              " bytes of text; the limit is " + FormatByteSize(kMaxPromptBytes) +
                              " per request");
}

StatusOr<OllamaGenerate> ParseOllamaGenerate(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelField(body));
  OllamaGenerate call{.model = {.model = std::move(name), .purpose = "generate request"}};
  ASSIGN_OR_RETURN(call.model.keep_alive, KeepAliveField(body));
  ASSIGN_OR_RETURN(std::optional<std::string> prompt, OptionalString(body, "prompt"));
  ASSIGN_OR_RETURN(std::optional<std::string> system, OptionalString(body, "system"));
  call.generate.prompt = prompt.value_or("");
  call.system = system.value_or("");
  if (call.generate.prompt.size() + call.system.size() > kMaxPromptBytes) {
    return InvalidArgumentError("\"prompt\" is larger than " + std::to_string(kMaxPromptBytes >> 20) +
                                " MiB");
  }
  call.load_only = !prompt || prompt->empty();
  ASSIGN_OR_RETURN(call.stream, BoolField(body, "stream", true));
  ASSIGN_OR_RETURN(call.raw, BoolField(body, "raw", false));
  ASSIGN_OR_RETURN(call.format, FormatField(body));
  ASSIGN_OR_RETURN(std::optional<std::string> template_text, OptionalString(body, "template"));
  if (template_text && !template_text->empty()) {
    return InvalidArgumentError(
        "\"template\" (a per-request Go template) is not supported: hearth formats prompts with "
        "the model's own Jinja chat template; send \"raw\": true with a formatted prompt instead");
  }
  if (auto images = body.find("images"); images != body.end() && images->is_array()) {
    call.has_images = !images->empty();
  }
  RETURN_IF_ERROR(ApplyOptions(body, &call.model, &call.generate, &call.given_options));
  return call;
}

StatusOr<OllamaEmbed> ParseOllamaLegacyEmbeddings(const json& body) {
  ASSIGN_OR_RETURN(ModelName name, ModelField(body));
  OllamaEmbed call{.model = {.model = std::move(name), .purpose = "embed request"},
                   .embed = {.normalize = false}};
  ASSIGN_OR_RETURN(call.model.keep_alive, KeepAliveField(body));
  auto prompt = body.find("prompt");
  if (prompt == body.end() || prompt->is_null()) {
    return InvalidArgumentError(
        "\"prompt\" is required: /api/embeddings embeds one string sent as \"prompt\" (send "
        "\"input\" to /api/embed instead)");
  }
  if (!prompt->is_string()) return InvalidArgumentError("\"prompt\" must be a string");
  if (prompt->get_ref<const std::string&>().size() > kMaxPromptBytes) {
    return TextTooLarge("\"prompt\"", prompt->get_ref<const std::string&>().size());
  }
  call.embed.inputs.push_back(prompt->get<std::string>());
  GenerateRequest unused;  // embed reads only num_ctx of the options
  RETURN_IF_ERROR(ApplyOptions(body, &call.model, &unused));
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
