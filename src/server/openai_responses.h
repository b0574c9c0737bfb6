// OpenAI API responses as JSON: /v1/models, completions and chat completions
// (whole and as streamed chunks), embeddings (float arrays or base64 of
// float32 little-endian), rerank results (the Jina/Cohere shape), errors
// ({"error":{"message","type","param","code"}}) and the SSE framing of
// streams ("data: <json>\n\n", ending with "data: [DONE]\n\n"). Internal
// to server/.
//
// Thread-safety: pure functions (NewResponseId uses a thread-safe source).
#ifndef HEARTH_SERVER_OPENAI_RESPONSES_H_
#define HEARTH_SERVER_OPENAI_RESPONSES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "httplib.h"
#include "models/chat_formatter.h"
#include "models/inference.h"
#include "models/model_store.h"
#include "nlohmann/json.hpp"

namespace hearth::internal {

inline constexpr char kSseContentType[] = "text/event-stream";
inline constexpr char kSseDone[] = "data: [DONE]\n\n";

// OpenAI's error object; `type` follows the HTTP status (invalid_request_error,
// authentication_error, permission_error, not_found_error, rate_limit_error,
// server_error), `code` is the Status code's name in snake case.
nlohmann::json OpenAiErrorJson(const Status& status);
void SetOpenAiError(httplib::Response& response, const Status& status);

// One SSE event carrying `body`.
std::string SseEvent(const nlohmann::json& body);

// Writes `body` as one SSE event; false when the client has gone.
bool WriteSse(httplib::DataSink& sink, const nlohmann::json& body);
// Writes the closing "data: [DONE]" and ends the stream.
void FinishSse(httplib::DataSink& sink);

// "<prefix>-<24 random hex digits>", e.g. "chatcmpl-3f2a...".
std::string NewResponseId(std::string_view prefix);

nlohmann::json ModelObjectJson(const ModelEntry& entry);
nlohmann::json ModelListJson(const std::vector<ModelEntry>& entries);

// OpenAI's finish_reason for `reason`: "stop" or "length".
std::string_view OpenAiFinishReason(FinishReason reason);
nlohmann::json UsageJson(int32_t prompt_tokens, int32_t completion_tokens);

// Identifies one response across its chunks.
struct ResponseHeader {
  std::string id;
  std::string model;  // display name
  int64_t created = 0;  // Unix seconds
};
ResponseHeader NewResponseHeader(std::string_view prefix, const std::string& model);

// /v1/completions: the whole response, and one streamed chunk (`finish`
// set on the last one).
nlohmann::json CompletionJson(const ResponseHeader& header, const GenerateResult& result);
nlohmann::json CompletionChunkJson(const ResponseHeader& header, const std::string& text,
                                   std::optional<std::string_view> finish);

// /v1/chat/completions. `reply` is the parsed generation; finish_reason is
// "tool_calls" when it holds tool calls.
nlohmann::json ChatMessageJson(const ParsedReply& reply);
nlohmann::json ChatCompletionJson(const ResponseHeader& header, const ParsedReply& reply,
                                  const GenerateResult& result);
nlohmann::json ChatChunkJson(const ResponseHeader& header, const nlohmann::json& delta,
                             std::optional<std::string_view> finish);

// The final chunk that stream_options.include_usage asks for: no choices,
// only usage. `object` is "text_completion" or "chat.completion.chunk".
nlohmann::json UsageChunkJson(const ResponseHeader& header, std::string_view object,
                              const GenerateResult& result);

// Base64 of `values` as float32 little-endian (OpenAI's encoding_format).
std::string Float32Base64(const std::vector<float>& values);
nlohmann::json EmbeddingsJson(const std::string& model, const EmbedResult& result, bool base64);

// Results sorted by relevance_score, highest first, at most `top_n`; each
// with its index in `documents` (and the document when asked).
nlohmann::json RerankJson(const std::string& model, const std::vector<std::string>& documents,
                          const RerankResult& result, std::optional<size_t> top_n,
                          bool return_documents);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OPENAI_RESPONSES_H_
