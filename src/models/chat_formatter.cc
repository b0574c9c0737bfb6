// ChatFormatter on llama.cpp's common chat library (Jinja templates), with
// the plain fallback for models without a template. Every exception the
// common library throws is caught here and becomes a Status.
#include "models/chat_formatter.h"

#include <exception>
#include <mutex>
#include <utility>

#include "base/status_macros.h"
#include "base/thread_annotations.h"
#include "chat.h"
#include "llama-cpp.h"
#include "llama.h"
#include "models/llama_backend.h"

namespace hearth {
namespace {

constexpr char kFallbackStop[] = "\nUser:";

// An Ollama Modelfile TEMPLATE is a Go template ({{ .Prompt }}); Jinja never
// starts an expression with a dot, so this tells the two apart.
bool IsGoTemplate(std::string_view text) {
  return text.find("{{ .") != std::string_view::npos ||
         text.find("{{.") != std::string_view::npos ||
         text.find("{{- .") != std::string_view::npos;
}

std::string ModelLabel(const ResolvedModel& model) { return model.entry.name.DisplayName(); }

StatusOr<llama_model_ptr> OpenVocabOnly(const ResolvedModel& model) {
  InitLlamaBackend();
  llama_model_params params = llama_model_default_params();
  params.vocab_only = true;
  llama_model_ptr handle(llama_model_load_from_file(model.model_path.c_str(), params));
  if (handle == nullptr) {
    return InternalError("llama.cpp could not open the tokenizer of model '" + ModelLabel(model) +
                         "' (" + model.model_path.string() + "; its log says why)");
  }
  return handle;
}

// The text of the BOS token when the tokenizer adds one; "" otherwise.
std::string BosText(const llama_model& model) {
  const llama_vocab* vocab = llama_model_get_vocab(&model);
  const llama_token bos = llama_vocab_bos(vocab);
  if (!llama_vocab_get_add_bos(vocab) || bos == LLAMA_TOKEN_NULL) return "";
  const char* text = llama_vocab_get_text(vocab, bos);
  return text == nullptr ? "" : text;
}

std::vector<common_chat_msg> ToCommonMessages(const std::vector<ChatMessage>& messages) {
  std::vector<common_chat_msg> out;
  out.reserve(messages.size());
  for (const ChatMessage& message : messages) {
    common_chat_msg& msg = out.emplace_back();
    msg.role = message.role;
    msg.content = message.content;
    msg.tool_name = message.tool_name;
    msg.tool_call_id = message.tool_call_id;
    for (const ChatToolCall& call : message.tool_calls) {
      msg.tool_calls.push_back({call.name, call.arguments_json, call.id});
    }
  }
  return out;
}

StatusOr<std::vector<common_chat_tool>> ParseTools(const std::string& tools_json) {
  if (tools_json.empty()) return std::vector<common_chat_tool>{};
  try {
    const common_json tools = common_json::parse(tools_json);
    if (!tools.is_array()) return InvalidArgumentError("tools must be a JSON array of tool definitions");
    return common_chat_tools_parse_oaicompat(tools);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("tools are not a valid list of tool definitions: ") +
                                e.what());
  }
}

ParsedReply FromCommonMessage(const common_chat_msg& msg) {
  ParsedReply reply;
  reply.content = msg.content;
  reply.reasoning = msg.reasoning_content;
  for (const common_chat_tool_call& call : msg.tool_calls) {
    reply.tool_calls.push_back({call.id, call.name, call.arguments.empty() ? "{}" : call.arguments});
  }
  return reply;
}

// The documented plain format for models without a chat template.
class FallbackFormatter final : public ChatFormatter {
 public:
  explicit FallbackFormatter(std::string label) : label_(std::move(label)) {}

  StatusOr<FormattedChat> Format(const ChatFormatRequest& request) const override {
    if (!request.tools_json.empty()) {
      return FailedPreconditionError("model '" + label_ + "' does not support tools");
    }
    FormattedChat chat;
    for (const ChatMessage& message : request.messages) {
      RETURN_IF_ERROR(AppendTurn(message, chat.prompt));
    }
    if (request.add_generation_prompt) chat.prompt += "Assistant:";
    chat.stop.push_back(kFallbackStop);
    return chat;
  }

  StatusOr<ParsedReply> ParseReply(std::string_view generated, bool) const override {
    ParsedReply reply;
    reply.content = std::string(generated);
    return reply;
  }

  bool SupportsTools() const override { return false; }
  bool UsesFallback() const override { return true; }

 private:
  static Status AppendTurn(const ChatMessage& message, std::string& prompt) {
    if (message.role == "system") {
      prompt += message.content + "\n\n";
    } else if (message.role == "user") {
      prompt += "User: " + message.content + "\n";
    } else if (message.role == "assistant") {
      // A reply the model generated after "Assistant:" starts with its own
      // space; replaying it as generated keeps the runner's cached prefix.
      const bool spaced = !message.content.empty() && (message.content.front() == ' ' || message.content.front() == '\n');
      prompt += (spaced ? "Assistant:" : "Assistant: ") + message.content + "\n";
    } else if (message.role == "tool") {
      prompt += "Tool: " + message.content + "\n";
    } else {
      return InvalidArgumentError("unknown message role '" + message.role +
                                  "' (use system, user, assistant or tool)");
    }
    return OkStatus();
  }

  const std::string label_;
};

// A Jinja template rendered by common_chat_templates_apply.
class JinjaFormatter final : public ChatFormatter {
 public:
  JinjaFormatter(std::string label, common_chat_templates_ptr templates, std::string bos_text)
      : label_(std::move(label)), templates_(std::move(templates)), bos_text_(std::move(bos_text)) {
    const std::map<std::string, bool> caps = common_chat_templates_get_caps(templates_.get());
    const auto found = caps.find("supports_tools");
    supports_tools_ = found != caps.end() && found->second;
  }

  StatusOr<FormattedChat> Format(const ChatFormatRequest& request) const override {
    ASSIGN_OR_RETURN(std::vector<common_chat_tool> tools, ParseTools(request.tools_json));
    if (!tools.empty() && !supports_tools_) {
      return FailedPreconditionError("model '" + label_ + "' does not support tools");
    }
    common_chat_templates_inputs inputs;
    inputs.messages = ToCommonMessages(request.messages);
    inputs.add_generation_prompt = request.add_generation_prompt;
    inputs.use_jinja = true;
    inputs.tools = std::move(tools);
    inputs.parallel_tool_calls = true;
    common_chat_params params;
    try {
      params = common_chat_templates_apply(templates_.get(), inputs);
    } catch (const std::exception& e) {
      return InvalidArgumentError("the chat template of model '" + label_ +
                                  "' rejected the conversation: " + e.what());
    }
    if (!inputs.tools.empty()) Remember(params);
    return ToFormattedChat(std::move(params));
  }

  StatusOr<ParsedReply> ParseReply(std::string_view generated, bool had_tools) const override {
    if (!had_tools) {
      ParsedReply reply;
      reply.content = std::string(generated);
      return reply;
    }
    common_chat_parser_params syntax = ToolSyntax();
    try {
      return FromCommonMessage(common_chat_parse(std::string(generated), false, syntax));
    } catch (const std::exception& e) {
      return InvalidArgumentError("the reply of model '" + label_ +
                                  "' is not a well-formed tool call: " + e.what());
    }
  }

  bool SupportsTools() const override { return supports_tools_; }
  bool UsesFallback() const override { return false; }

 private:
  FormattedChat ToFormattedChat(common_chat_params params) const {
    FormattedChat chat;
    chat.prompt = std::move(params.prompt);
    chat.stop = std::move(params.additional_stops);
    // A lazy grammar only applies after a trigger the runner does not know
    // about; applied from the start it would force a tool call, so it is
    // left out and the template's own instructions guide the model.
    if (!params.grammar_lazy) chat.grammar = std::move(params.grammar);
    chat.prompt_has_bos = !bos_text_.empty() && chat.prompt.starts_with(bos_text_);
    return chat;
  }

  void Remember(const common_chat_params& params) const {
    std::lock_guard<std::mutex> lock(mu_);
    tool_format_ = params.format;
    tool_generation_prompt_ = params.generation_prompt;
    tool_parser_ = params.parser;
  }

  common_chat_parser_params ToolSyntax() const {
    common_chat_parser_params syntax;
    std::lock_guard<std::mutex> lock(mu_);
    syntax.format = tool_format_;
    syntax.generation_prompt = tool_generation_prompt_;
    syntax.parse_tool_calls = true;
    if (!tool_parser_.empty()) syntax.parser.load(tool_parser_);
    return syntax;
  }

  const std::string label_;
  const common_chat_templates_ptr templates_;
  const std::string bos_text_;
  bool supports_tools_ = false;

  // How the last Format() with tools said replies are shaped.
  mutable std::mutex mu_;
  mutable common_chat_format tool_format_ GUARDED_BY(mu_) = COMMON_CHAT_FORMAT_CONTENT_ONLY;
  mutable std::string tool_generation_prompt_ GUARDED_BY(mu_);
  mutable std::string tool_parser_ GUARDED_BY(mu_);
};

// The Jinja source to render, or "" for the fallback: the model's template
// text when it is Jinja, else the GGUF's own template.
std::string JinjaSource(const ResolvedModel& model, const llama_model& handle) {
  if (!model.template_text.empty() && !IsGoTemplate(model.template_text)) return model.template_text;
  const char* own = llama_model_chat_template(&handle, nullptr);
  return own == nullptr ? "" : own;
}

}  // namespace

StatusOr<std::unique_ptr<ChatFormatter>> ChatFormatter::Open(const ResolvedModel& model) {
  if (model.remote.has_value() || model.model_path.empty()) {
    return FailedPreconditionError("model '" + ModelLabel(model) +
                                   "' is remote; its provider formats chats itself");
  }
  if (model.template_text.empty()) {
    return std::unique_ptr<ChatFormatter>(new FallbackFormatter(ModelLabel(model)));
  }
  ASSIGN_OR_RETURN(llama_model_ptr handle, OpenVocabOnly(model));
  const std::string source = JinjaSource(model, *handle);
  if (source.empty()) return std::unique_ptr<ChatFormatter>(new FallbackFormatter(ModelLabel(model)));
  try {
    // The GGUF's own template goes in as "no override", so that the common
    // library also loads the GGUF's "tool_use" variant when there is one.
    const char* own = llama_model_chat_template(handle.get(), nullptr);
    const std::string override_source = own != nullptr && source == own ? "" : source;
    common_chat_templates_ptr templates = common_chat_templates_init(handle.get(), override_source);
    return std::unique_ptr<ChatFormatter>(
        new JinjaFormatter(ModelLabel(model), std::move(templates), BosText(*handle)));
  } catch (const std::exception& e) {
    return InvalidArgumentError("the chat template of model '" + ModelLabel(model) +
                                "' is not a valid Jinja template: " + e.what());
  }
}

}  // namespace hearth
