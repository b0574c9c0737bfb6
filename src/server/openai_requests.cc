#include "server/openai_requests.h"

#include <cmath>
#include <sstream>

#include "base/status_macros.h"
#include "server/json_body.h"
#include "server/ollama_requests.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

std::string Quoted(std::string_view key) { return "\"" + std::string(key) + "\""; }

// A range bound as people write it: "0", "2", "-2", "0.5" (not "0.000000").
std::string Plain(float value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// The string at `key`, or "" when absent or of another type (for optional
// names and ids, where a wrong type must not throw).
std::string StringOr(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json* Field(const json& body, std::string_view key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

Status NumberField(const json& body, std::string_view key, float low, float high, float* target) {
  const json* value = Field(body, key);
  if (value == nullptr) return OkStatus();
  if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() < low ||
      value->get<double>() > high) {
    return InvalidArgumentError(Quoted(key) + " must be a number from " + Plain(low) + " to " +
                                Plain(high));
  }
  *target = value->get<float>();
  return OkStatus();
}

StatusOr<std::optional<int64_t>> IntField(const json& body, std::string_view key) {
  const json* value = Field(body, key);
  if (value == nullptr) return std::optional<int64_t>();
  if (!value->is_number_integer()) return InvalidArgumentError(Quoted(key) + " must be a whole number");
  return std::optional(value->get<int64_t>());
}

StatusOr<bool> BoolField(const json& body, std::string_view key) {
  const json* value = Field(body, key);
  if (value == nullptr) return false;
  if (!value->is_boolean()) return InvalidArgumentError(Quoted(key) + " must be true or false");
  return value->get<bool>();
}

Status RefuseUnsupported(const json& body) {
  ASSIGN_OR_RETURN(std::optional<int64_t> n, IntField(body, "n"));
  if (n && *n != 1) {
    return InvalidArgumentError("\"n\" must be 1: hearth returns one choice per request (got " +
                                std::to_string(*n) + ")");
  }
  const json* logprobs = Field(body, "logprobs");
  if (logprobs != nullptr && !(logprobs->is_boolean() && !logprobs->get<bool>())) {
    return InvalidArgumentError("\"logprobs\" is not supported");
  }
  return OkStatus();
}

Status StopField(const json& body, std::vector<std::string>* stop) {
  const json* value = Field(body, "stop");
  if (value == nullptr) return OkStatus();
  if (value->is_string()) {
    if (!value->get<std::string>().empty()) stop->push_back(value->get<std::string>());
    return OkStatus();
  }
  if (!value->is_array() || value->size() > kMaxStopStrings) {
    return InvalidArgumentError("\"stop\" must be a string or an array of at most " +
                                std::to_string(kMaxStopStrings) + " strings");
  }
  for (const json& item : *value) {
    if (!item.is_string() || item.get<std::string>().empty()) {
      return InvalidArgumentError("\"stop\" must hold non-empty strings");
    }
    stop->push_back(item.get<std::string>());
  }
  return OkStatus();
}

Status MaxTokens(const json& body, int32_t* max_tokens) {
  for (std::string_view key : {"max_completion_tokens", "max_tokens"}) {
    ASSIGN_OR_RETURN(std::optional<int64_t> value, IntField(body, key));
    if (!value) continue;
    if (*value < 1 || *value > INT32_MAX) return InvalidArgumentError(Quoted(key) + " must be at least 1");
    *max_tokens = static_cast<int32_t>(*value);
    return OkStatus();
  }
  return OkStatus();
}

// OpenAI's sampling: temperature 1 and nucleus sampling off by default, and
// none of Ollama's other defaults (top_k 40, repeat_penalty 1.1), which the
// OpenAI API has no fields for.
Status Sampling(const json& body, SamplingOptions* sampling) {
  sampling->temperature = 1.0f;
  sampling->top_p = 1.0f;
  sampling->top_k = 0;
  sampling->min_p = 0.0f;
  sampling->repeat_penalty = 1.0f;
  // Extensions other OpenAI-compatible servers (llama.cpp's, vLLM) read too.
  ASSIGN_OR_RETURN(std::optional<int64_t> top_k, IntField(body, "top_k"));
  if (top_k && (*top_k < 0 || *top_k > INT32_MAX)) {
    return InvalidArgumentError("\"top_k\" must be a whole number from 0 (off) up");
  }
  if (top_k) sampling->top_k = static_cast<int32_t>(*top_k);
  RETURN_IF_ERROR(NumberField(body, "min_p", 0, 1, &sampling->min_p));
  RETURN_IF_ERROR(NumberField(body, "repeat_penalty", 0, 10, &sampling->repeat_penalty));
  RETURN_IF_ERROR(NumberField(body, "temperature", 0, 2, &sampling->temperature));
  RETURN_IF_ERROR(NumberField(body, "top_p", 0, 1, &sampling->top_p));
  RETURN_IF_ERROR(NumberField(body, "presence_penalty", -2, 2, &sampling->presence_penalty));
  RETURN_IF_ERROR(NumberField(body, "frequency_penalty", -2, 2, &sampling->frequency_penalty));
  ASSIGN_OR_RETURN(std::optional<int64_t> seed, IntField(body, "seed"));
  // OpenAI's seeds are any 64-bit number; the sampler takes 32 bits.
  if (seed) sampling->seed = static_cast<uint32_t>(static_cast<uint64_t>(*seed) % 0xFFFFFFFFu);
  return OkStatus();
}

StatusOr<OpenAiStreaming> Streaming(const json& body) {
  OpenAiStreaming streaming;
  ASSIGN_OR_RETURN(streaming.stream, BoolField(body, "stream"));
  const json* options = Field(body, "stream_options");
  if (options == nullptr) return streaming;
  if (!options->is_object()) return InvalidArgumentError("\"stream_options\" must be an object");
  ASSIGN_OR_RETURN(streaming.include_usage, BoolField(*options, "include_usage"));
  return streaming;
}

StatusOr<ModelRequest> Model(const json& body, std::string purpose) {
  ASSIGN_OR_RETURN(ModelName name, ModelField(body));
  return ModelRequest{.model = std::move(name), .purpose = std::move(purpose)};
}

// The options `body` sets, by Ollama's names (for the model's defaults).
GivenOptions GivenIn(const json& body) {
  GivenOptions given;
  for (std::string_view key : {"top_k", "min_p", "repeat_penalty", "temperature", "top_p",
                               "presence_penalty", "frequency_penalty", "seed", "stop"}) {
    if (Field(body, key) != nullptr) given.insert(std::string(key));
  }
  for (std::string_view key : {"max_completion_tokens", "max_tokens"}) {
    if (Field(body, key) != nullptr) given.insert("num_predict");
  }
  return given;
}

// Fields both generation routes share.
Status GenerationFields(const json& body, GenerateRequest* generate, GivenOptions* given) {
  RETURN_IF_ERROR(RefuseUnsupported(body));
  RETURN_IF_ERROR(Sampling(body, &generate->sampling));
  RETURN_IF_ERROR(MaxTokens(body, &generate->max_tokens));
  *given = GivenIn(body);
  return StopField(body, &generate->stop);
}

StatusOr<std::string> CompletionPrompt(const json& body) {
  const json* prompt = Field(body, "prompt");
  if (prompt != nullptr && prompt->is_array() && prompt->size() == 1) prompt = &(*prompt)[0];
  if (prompt == nullptr || !prompt->is_string()) {
    return InvalidArgumentError("\"prompt\" must be a string (or an array of one string)");
  }
  if (prompt->get_ref<const std::string&>().size() > kMaxPromptBytes) {
    return InvalidArgumentError("\"prompt\" is larger than " + std::to_string(kMaxPromptBytes >> 20) +
                                " MiB");
  }
  return prompt->get<std::string>();
}

// Message content: a string, or an array of parts ({"type":"text","text"}
// joined with newlines; image parts are flagged).
StatusOr<std::string> MessageContent(const json& content, bool* has_images) {
  if (content.is_null()) return std::string();
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) return InvalidArgumentError("message content must be a string or an array of parts");
  std::string text;
  for (const json& part : content) {
    const std::string type = part.is_object() ? StringOr(part, "type") : "";
    if (type == "image_url" || type == "input_image") {
      *has_images = true;
    } else if (type == "text" && part.contains("text") && part["text"].is_string()) {
      if (!text.empty()) text += "\n";
      text += part["text"].get<std::string>();
    } else {
      return InvalidArgumentError("content parts must be {\"type\":\"text\",\"text\":...} or image_url");
    }
  }
  return text;
}

StatusOr<ChatToolCall> ToolCall(const json& call) {
  const json* function = call.is_object() ? Field(call, "function") : nullptr;
  if (function == nullptr || !function->is_object() || !function->contains("name") ||
      !(*function)["name"].is_string()) {
    return InvalidArgumentError("a tool call must have a function with a name");
  }
  ChatToolCall out{.id = StringOr(call, "id"), .name = (*function)["name"].get<std::string>()};
  const json* arguments = Field(*function, "arguments");
  if (arguments == nullptr) {
    out.arguments_json = "{}";
  } else {
    out.arguments_json = arguments->is_string() ? arguments->get<std::string>() : arguments->dump();
  }
  return out;
}

StatusOr<ChatMessage> Message(const json& item, bool* has_images) {
  if (!item.is_object() || !item.contains("role") || !item["role"].is_string()) {
    return InvalidArgumentError("each message must be an object with a \"role\"");
  }
  ChatMessage message{.role = item["role"].get<std::string>()};
  if (message.role == "developer") message.role = "system";
  if (message.role != "system" && message.role != "user" && message.role != "assistant" &&
      message.role != "tool") {
    return InvalidArgumentError("unknown message role \"" + message.role +
                                "\" (system, developer, user, assistant or tool)");
  }
  ASSIGN_OR_RETURN(message.content, MessageContent(item.contains("content") ? item["content"] : json(), has_images));
  message.tool_call_id = StringOr(item, "tool_call_id");
  message.tool_name = StringOr(item, "name");
  const json* calls = Field(item, "tool_calls");
  if (calls != nullptr && !calls->is_array()) return InvalidArgumentError("\"tool_calls\" must be an array");
  for (const json& call : calls ? *calls : json::array()) {
    ASSIGN_OR_RETURN(ChatToolCall parsed, ToolCall(call));
    message.tool_calls.push_back(std::move(parsed));
  }
  return message;
}

Status Messages(const json& body, OpenAiChat* call) {
  const json* messages = Field(body, "messages");
  if (messages == nullptr || !messages->is_array() || messages->empty() ||
      messages->size() > kMaxChatMessages) {
    return InvalidArgumentError("\"messages\" must be a non-empty array of at most " +
                                std::to_string(kMaxChatMessages) + " messages");
  }
  size_t bytes = 0;
  for (const json& item : *messages) {
    ASSIGN_OR_RETURN(ChatMessage message, Message(item, &call->has_images));
    bytes += message.content.size();
    call->chat.messages.push_back(std::move(message));
  }
  if (bytes > kMaxPromptBytes) return TextTooLarge("\"messages\"", bytes);
  return OkStatus();
}

Status Tools(const json& body, ChatFormatRequest* chat) {
  const json* tools = Field(body, "tools");
  if (tools == nullptr) return OkStatus();
  if (!tools->is_array() || tools->size() > kMaxTools) {
    return InvalidArgumentError("\"tools\" must be an array of at most " + std::to_string(kMaxTools) +
                                " tools");
  }
  const json* choice = Field(body, "tool_choice");
  if (choice != nullptr && !(choice->is_string() && (*choice == "auto" || *choice == "none"))) {
    return InvalidArgumentError("\"tool_choice\" must be \"auto\" or \"none\"");
  }
  if (choice != nullptr && *choice == "none") return OkStatus();
  if (!tools->empty()) chat->tools_json = tools->dump();
  return OkStatus();
}

Status ResponseFormat(const json& body, OpenAiChat* call) {
  const json* format = Field(body, "response_format");
  if (format == nullptr) return OkStatus();
  const std::string type = format->is_object() ? StringOr(*format, "type") : "";
  if (type == "text") return OkStatus();
  if (type == "json_object") {
    call->format = ResponseFormatKind::kJsonObject;
    return OkStatus();
  }
  const json* spec = type == "json_schema" ? Field(*format, "json_schema") : nullptr;
  const json* schema = spec != nullptr && spec->is_object() ? Field(*spec, "schema") : nullptr;
  if (schema == nullptr || !schema->is_object()) {
    return InvalidArgumentError(
        "\"response_format\" must be {\"type\":\"text\"}, {\"type\":\"json_object\"} or "
        "{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{...}}}");
  }
  call->format = ResponseFormatKind::kJsonSchema;
  call->json_schema = schema->dump();
  return OkStatus();
}

Status EmbedInput(const json& body, std::vector<std::string>* inputs) {
  const json* input = Field(body, "input");
  if (input != nullptr && input->is_string()) {
    inputs->push_back(input->get<std::string>());
  } else if (input != nullptr && input->is_array() && !input->empty() &&
             input->size() <= kMaxEmbedInputs) {
    for (const json& item : *input) {
      if (!item.is_string()) {
        return InvalidArgumentError("\"input\" must hold strings (token arrays are not supported)");
      }
      inputs->push_back(item.get<std::string>());
    }
  } else {
    return InvalidArgumentError("\"input\" must be a string or a non-empty array of at most " +
                                std::to_string(kMaxEmbedInputs) + " strings");
  }
  size_t total = 0;
  for (const std::string& text : *inputs) {
    if (text.empty()) return InvalidArgumentError("\"input\" must not hold empty strings");
    total += text.size();
  }
  if (total > kMaxPromptBytes) return TextTooLarge("\"input\"", total);
  return OkStatus();
}

Status RerankDocuments(const json& body, std::vector<std::string>* documents) {
  const json* list = Field(body, "documents");
  if (list == nullptr || !list->is_array() || list->empty() || list->size() > kMaxRerankDocuments) {
    return InvalidArgumentError("\"documents\" must be a non-empty array of at most " +
                                std::to_string(kMaxRerankDocuments) + " documents");
  }
  size_t total = 0;
  for (const json& item : *list) {
    const json* text = item.is_object() ? Field(item, "text") : &item;
    if (text == nullptr || !text->is_string()) {
      return InvalidArgumentError("\"documents\" must hold strings or {\"text\": string} objects");
    }
    documents->push_back(text->get<std::string>());
    total += documents->back().size();
  }
  if (total > kMaxPromptBytes) return TextTooLarge("\"documents\"", total);
  return OkStatus();
}

}  // namespace

StatusOr<OpenAiCompletion> ParseOpenAiCompletion(const json& body) {
  ASSIGN_OR_RETURN(ModelRequest model, Model(body, "completion request"));
  OpenAiCompletion call{.model = std::move(model)};
  ASSIGN_OR_RETURN(call.generate.prompt, CompletionPrompt(body));
  RETURN_IF_ERROR(GenerationFields(body, &call.generate, &call.given_options));
  ASSIGN_OR_RETURN(bool echo, BoolField(body, "echo"));
  if (echo) return InvalidArgumentError("\"echo\" is not supported");
  ASSIGN_OR_RETURN(std::optional<std::string> suffix, OptionalString(body, "suffix"));
  if (suffix && !suffix->empty()) return InvalidArgumentError("\"suffix\" is not supported");
  ASSIGN_OR_RETURN(std::optional<int64_t> best_of, IntField(body, "best_of"));
  if (best_of && *best_of != 1) return InvalidArgumentError("\"best_of\" must be 1");
  ASSIGN_OR_RETURN(call.streaming, Streaming(body));
  return call;
}

StatusOr<OpenAiChat> ParseOpenAiChat(const json& body) {
  ASSIGN_OR_RETURN(ModelRequest model, Model(body, "chat request"));
  OpenAiChat call{.model = std::move(model)};
  RETURN_IF_ERROR(Messages(body, &call));
  RETURN_IF_ERROR(GenerationFields(body, &call.generate, &call.given_options));
  RETURN_IF_ERROR(Tools(body, &call.chat));
  RETURN_IF_ERROR(ResponseFormat(body, &call));
  ASSIGN_OR_RETURN(call.streaming, Streaming(body));
  return call;
}

StatusOr<OpenAiEmbed> ParseOpenAiEmbed(const json& body) {
  ASSIGN_OR_RETURN(ModelRequest model, Model(body, "embed request"));
  // OpenAI refuses an input longer than the model takes; so does hearth.
  OpenAiEmbed call{.model = std::move(model), .embed = {.truncate = false}};
  RETURN_IF_ERROR(EmbedInput(body, &call.embed.inputs));
  ASSIGN_OR_RETURN(std::optional<std::string> encoding, OptionalString(body, "encoding_format"));
  if (encoding && *encoding != "float" && *encoding != "base64") {
    return InvalidArgumentError("\"encoding_format\" must be \"float\" or \"base64\"");
  }
  call.base64 = encoding == "base64";
  ASSIGN_OR_RETURN(call.dimensions, IntField(body, "dimensions"));
  // Whether it matches the model's length is known only once the model ran.
  if (call.dimensions && *call.dimensions < 1) {
    return InvalidArgumentError("\"dimensions\" must be a positive whole number");
  }
  return call;
}

StatusOr<OpenAiRerank> ParseOpenAiRerank(const json& body) {
  ASSIGN_OR_RETURN(ModelRequest model, Model(body, "rerank request"));
  OpenAiRerank call{.model = std::move(model)};
  ASSIGN_OR_RETURN(std::optional<std::string> query, OptionalString(body, "query"));
  if (!query || query->empty()) return InvalidArgumentError("\"query\" is required");
  call.rerank.query = std::move(*query);
  RETURN_IF_ERROR(RerankDocuments(body, &call.rerank.documents));
  ASSIGN_OR_RETURN(std::optional<int64_t> top_n, IntField(body, "top_n"));
  if (top_n && *top_n < 1) return InvalidArgumentError("\"top_n\" must be at least 1");
  if (top_n) call.top_n = static_cast<size_t>(*top_n);
  ASSIGN_OR_RETURN(call.return_documents, BoolField(body, "return_documents"));
  return call;
}

}  // namespace hearth::internal
