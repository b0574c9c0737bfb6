// Ollama API requests (/api/generate, /api/embed) parsed from JSON into the
// plain structs the layers below take. Internal to server/.
//
// Thread-safety: pure functions.
#ifndef HEARTH_SERVER_OLLAMA_REQUESTS_H_
#define HEARTH_SERVER_OLLAMA_REQUESTS_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "models/chat_formatter.h"
#include "models/inference.h"
#include "models/scheduler.h"
#include "nlohmann/json.hpp"
#include "server/model_defaults.h"

namespace hearth::internal {

// Limits on what one request may ask for.
inline constexpr size_t kMaxPromptBytes = 4 << 20;
inline constexpr size_t kMaxEmbedInputs = 2048;
inline constexpr size_t kMaxStopStrings = 16;
// Messages in one chat request (Ollama and OpenAI alike).
inline constexpr size_t kMaxChatMessages = 4096;

struct OllamaGenerate {
  ModelRequest model;
  // The prompt as sent (without `system`); the route replaces it with the
  // templated conversation unless `raw`.
  GenerateRequest generate;
  bool stream = true;
  // No prompt: Ollama's "load the model" (or unload, with keep_alive 0).
  bool load_only = false;
  // Pass the prompt to the model as is, without the chat template.
  bool raw = false;
  std::string system;
  // Ollama's `format`: "" (none), "json", or a JSON schema as text.
  std::string format;
  bool has_images = false;
  // The options the request set; the model's parameters fill in the rest.
  GivenOptions given_options;
};

struct OllamaChat {
  ModelRequest model;
  GenerateRequest generate;  // sampling, limits, stop; the prompt comes from the template
  ChatFormatRequest chat;
  // Ollama's `format`: "" (none), "json", or a JSON schema as text.
  std::string format;
  bool stream = true;
  bool has_images = false;
  // The options the request set; the model's parameters fill in the rest.
  GivenOptions given_options;
};

struct OllamaEmbed {
  ModelRequest model;
  EmbedRequest embed;
};

// InvalidArgument: `what` holds `bytes` bytes of text, over kMaxPromptBytes
// ("\"input\" is 4194305 bytes of text; the limit is 4 MiB per request").
Status TextTooLarge(std::string_view what, size_t bytes);

// Errors: InvalidArgument naming the field and what it must be.
StatusOr<OllamaGenerate> ParseOllamaGenerate(const nlohmann::json& body);
StatusOr<OllamaEmbed> ParseOllamaEmbed(const nlohmann::json& body);
StatusOr<OllamaChat> ParseOllamaChat(const nlohmann::json& body);
// The legacy /api/embeddings: one string, `prompt` only (`input` is not
// read), not normalized; InvalidArgument when `prompt` is absent or not a
// string.
StatusOr<OllamaEmbed> ParseOllamaLegacyEmbeddings(const nlohmann::json& body);

// The model field, checked as a model name. Errors: InvalidArgument.
StatusOr<ModelName> ModelField(const nlohmann::json& body);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_REQUESTS_H_
