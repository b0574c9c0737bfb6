// OpenAI API requests (/v1/completions, /v1/chat/completions,
// /v1/embeddings, /v1/rerank) parsed from JSON into the plain structs the
// layers below take, with limits. Internal to server/.
//
// What OpenAI's API has and hearth does not serve is refused with
// InvalidArgument naming the field (n other than 1, logprobs, echo, token
// arrays as prompts, images for text-only models), never ignored silently.
// Sampling defaults are OpenAI's (temperature 1, top_p 1, and top_k,
// min_p and repeat_penalty off), not Ollama's (top_k 40, repeat_penalty
// 1.1); the extensions top_k, min_p and repeat_penalty set them.
//
// Thread-safety: pure functions.
#ifndef HEARTH_SERVER_OPENAI_REQUESTS_H_
#define HEARTH_SERVER_OPENAI_REQUESTS_H_

#include <optional>
#include <string>

#include "base/status.h"
#include "models/chat_formatter.h"
#include "models/inference.h"
#include "models/scheduler.h"
#include "nlohmann/json.hpp"
#include "server/model_defaults.h"
#include "server/ollama_requests.h"

namespace hearth::internal {

// Limits on what one request may ask for.
inline constexpr size_t kMaxRerankDocuments = 1024;
inline constexpr size_t kMaxTools = 128;

// Streaming as `stream` and `stream_options.include_usage` ask.
struct OpenAiStreaming {
  bool stream = false;
  bool include_usage = false;
};

struct OpenAiCompletion {
  ModelRequest model;
  GenerateRequest generate;
  OpenAiStreaming streaming;
  // The options the request set; the model's parameters fill in the rest.
  GivenOptions given_options;
};

// How the reply must be shaped (`response_format`).
enum class ResponseFormatKind { kText, kJsonObject, kJsonSchema };

struct OpenAiChat {
  ModelRequest model;
  // Prompt, stop strings and grammar are filled in from the formatted chat.
  GenerateRequest generate;
  ChatFormatRequest chat;
  OpenAiStreaming streaming;
  ResponseFormatKind format = ResponseFormatKind::kText;
  std::string json_schema;  // kJsonSchema: the schema as JSON text
  // A content part of type image_url was given (hearth's models are text-only).
  bool has_images = false;
  // The options the request set; the model's parameters fill in the rest.
  GivenOptions given_options;
};

struct OpenAiEmbed {
  ModelRequest model;
  EmbedRequest embed;
  bool base64 = false;  // encoding_format "base64": float32 little-endian
  // Positive when set; the route checks it against the model's length.
  std::optional<int64_t> dimensions;
};

struct OpenAiRerank {
  ModelRequest model;
  RerankRequest rerank;
  std::optional<size_t> top_n;  // nullopt: every document
  bool return_documents = false;
};

// Errors: InvalidArgument naming the field and what it must be.
StatusOr<OpenAiCompletion> ParseOpenAiCompletion(const nlohmann::json& body);
StatusOr<OpenAiChat> ParseOpenAiChat(const nlohmann::json& body);
StatusOr<OpenAiEmbed> ParseOpenAiEmbed(const nlohmann::json& body);
StatusOr<OpenAiRerank> ParseOpenAiRerank(const nlohmann::json& body);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OPENAI_REQUESTS_H_
