// ChatFormatter: turns a conversation into the prompt text a model expects,
// using the model's own chat template (the GGUF's `tokenizer.chat_template`,
// or a Modelfile TEMPLATE layer holding a Jinja template), rendered by
// llama.cpp's common chat library; and turns the model's reply back into
// text and tool calls. Also converts JSON schemas to GBNF grammars for
// structured output (Ollama's `format`, OpenAI's `response_format`).
//
// A model without a template gets a documented plain fallback:
//
//   <system text>\n\n            (when there is a system message)
//   User: <content>\n
//   Assistant: <content>\n        (for each earlier turn; a reply that
//                                  starts with a space or newline follows
//                                  "Assistant:" directly, as generated)
//   Tool: <content>\n             (tool results)
//   Assistant:                    (the generation prompt)
//
// with "\nUser:" added to the stop strings. A system message anywhere in the
// conversation is written as "<text>\n\n" where it stands.
//
// A TEMPLATE layer holding an Ollama Go template ({{ .Prompt }}) cannot be
// rendered; the GGUF's own Jinja template is used instead (the fallback when
// it has none).
//
// The formatter opens the model file with vocab_only (the tokenizer and
// metadata, not the weights: cheap) in the server process; it never runs the
// model. ChatFormatterCache keeps one per model blob.
//
// Errors: InvalidArgument for a template that is not valid Jinja, a
// conversation the template rejects (e.g. roles out of order), an unknown
// role (fallback), a tools list that is not a JSON array of tool definitions, a
// JSON schema that is not valid JSON or uses what GBNF conversion does not
// support; FailedPrecondition when tools are given but the template has no
// tool support ("model 'x' does not support tools"), or for a remote model;
// Internal when the model file cannot be opened.
//
// Thread-safety: ChatFormatter and ChatFormatterCache are thread-safe.
#ifndef HEARTH_MODELS_CHAT_FORMATTER_H_
#define HEARTH_MODELS_CHAT_FORMATTER_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/model_store.h"

namespace hearth {

struct ChatToolCall {
  std::string id;              // may be empty (Ollama does not use ids)
  std::string name;
  std::string arguments_json;  // a JSON object, as text
};

struct ChatMessage {
  std::string role;  // "system" | "user" | "assistant" | "tool"
  std::string content;
  std::vector<ChatToolCall> tool_calls;  // assistant turns that called tools
  std::string tool_name;                 // for role "tool": which tool answered
  std::string tool_call_id;              // for role "tool" (OpenAI)
};

struct ChatFormatRequest {
  std::vector<ChatMessage> messages;
  // The tools the model may call: a JSON array in OpenAI's shape
  // ([{"type":"function","function":{"name","description","parameters"}}]),
  // as text; "" for none.
  std::string tools_json;
  // End with the assistant's turn opening (true for every generation).
  bool add_generation_prompt = true;
};

struct FormattedChat {
  std::string prompt;
  // Stop strings the template implies (end-of-turn markers that are not
  // end-of-generation tokens, the fallback's "\nUser:").
  std::vector<std::string> stop;
  // A grammar that makes tool calls well-formed, when tools are given and
  // the template's format has one that applies from the first token; "" when
  // the format's grammar is lazy (it would only apply after a trigger word)
  // and otherwise. The tool definitions are in the prompt either way.
  std::string grammar;
  // True when the prompt already starts with the BOS text, so the runner
  // must not add another. The common library strips a template's leading
  // BOS when the tokenizer adds one, so this is usually false.
  bool prompt_has_bos = false;
};

// A reply, split into plain text and tool calls the model made.
struct ParsedReply {
  std::string content;
  std::string reasoning;  // "thinking" text, for templates that mark it
  std::vector<ChatToolCall> tool_calls;
};

class ChatFormatter {
 public:
  // Opens `model`'s tokenizer and template. `model.template_text` (from a
  // TEMPLATE layer or the GGUF) is used when it is a Jinja template; an empty
  // one selects the plain fallback.
  static StatusOr<std::unique_ptr<ChatFormatter>> Open(const ResolvedModel& model);

  virtual ~ChatFormatter() = default;

  virtual StatusOr<FormattedChat> Format(const ChatFormatRequest& request) const = 0;

  // Splits generated text into content and tool calls, for the format the
  // last Format() with tools chose (plain text when there were none).
  // Errors: InvalidArgument when the reply is not a well-formed tool call
  // in that format.
  virtual StatusOr<ParsedReply> ParseReply(std::string_view generated, bool had_tools) const = 0;

  // True when the template renders tool definitions and calls.
  virtual bool SupportsTools() const = 0;
  // True when the plain fallback is in use (no template).
  virtual bool UsesFallback() const = 0;
};

// One formatter per model blob, opened on first use.
class ChatFormatterCache {
 public:
  ChatFormatterCache();
  ~ChatFormatterCache();
  ChatFormatterCache(const ChatFormatterCache&) = delete;
  ChatFormatterCache& operator=(const ChatFormatterCache&) = delete;

  // The formatter for `model` (keyed by its model digest and template).
  // Errors: as ChatFormatter::Open; FailedPrecondition for a remote model
  // (remote providers format chats themselves).
  StatusOr<std::shared_ptr<const ChatFormatter>> Get(const ResolvedModel& model);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Converts a JSON schema (as text) to a GBNF grammar that only accepts JSON
// matching it. The string "json" (Ollama's `format: "json"`) gives a grammar
// for any JSON object. Errors: InvalidArgument naming what is unsupported.
StatusOr<std::string> JsonSchemaToGrammar(std::string_view schema_json);

}  // namespace hearth

#endif  // HEARTH_MODELS_CHAT_FORMATTER_H_
