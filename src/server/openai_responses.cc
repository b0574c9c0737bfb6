#include "server/openai_responses.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <chrono>
#include <cstring>
#include <numeric>

#include "base/request_id.h"
#include "server/http_status.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

std::string_view ErrorType(int http_status) {
  switch (http_status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 429: return "rate_limit_error";
  }
  return http_status < 500 ? "invalid_request_error" : "server_error";
}

std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int64_t UnixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

json ChoiceBase(const ResponseHeader& header, std::string_view object) {
  return {{"id", header.id},
          {"object", object},
          {"created", header.created},
          {"model", header.model},
          {"system_fingerprint", "fp_hearth"}};
}

json FinishJson(std::optional<std::string_view> finish) {
  return finish ? json(*finish) : json(nullptr);
}

json ToolCallsJson(const std::vector<ChatToolCall>& calls) {
  json out = json::array();
  for (size_t i = 0; i < calls.size(); ++i) {
    const std::string id = calls[i].id.empty() ? NewResponseId("call") : calls[i].id;
    out.push_back({{"index", i},
                   {"id", id},
                   {"type", "function"},
                   {"function", {{"name", calls[i].name}, {"arguments", calls[i].arguments_json}}}});
  }
  return out;
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(const std::vector<unsigned char>& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t left = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = static_cast<uint32_t>(bytes[i]) << 16;
    if (left > 1) group |= static_cast<uint32_t>(bytes[i + 1]) << 8;
    if (left > 2) group |= bytes[i + 2];
    for (size_t k = 0; k < 4; ++k) {
      out += k <= left ? kBase64Alphabet[(group >> (18 - 6 * k)) & 63] : '=';
    }
  }
  return out;
}

}  // namespace

json OpenAiErrorJson(const Status& status) {
  const int http = HttpStatusFor(status);
  return {{"error",
           {{"message", status.message()},
            {"type", ErrorType(http)},
            {"param", nullptr},
            {"code", LowerCase(StatusCodeName(status.code()))}}}};
}

void SetOpenAiError(httplib::Response& response, const Status& status) {
  response.status = HttpStatusFor(status);
  response.set_content(OpenAiErrorJson(status).dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

std::string SseEvent(const json& body) {
  return "data: " + body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

bool WriteSse(httplib::DataSink& sink, const json& body) {
  const std::string event = SseEvent(body);
  return sink.write(event.data(), event.size());
}

void FinishSse(httplib::DataSink& sink) {
  sink.write(kSseDone, sizeof(kSseDone) - 1);
  sink.done();
}

std::string NewResponseId(std::string_view prefix) {
  return std::string(prefix) + "-" + NewRequestId() + NewRequestId().substr(0, 8);
}

json ModelObjectJson(const ModelEntry& entry) {
  return {{"id", entry.name.DisplayName()},
          {"object", "model"},
          {"created", UnixSeconds(entry.modified)},
          {"owned_by", entry.name.namespace_name()}};
}

json ModelListJson(const std::vector<ModelEntry>& entries) {
  json data = json::array();
  for (const ModelEntry& entry : entries) data.push_back(ModelObjectJson(entry));
  return {{"object", "list"}, {"data", data}};
}

std::string_view OpenAiFinishReason(FinishReason reason) {
  return reason == FinishReason::kLength ? "length" : "stop";
}

json UsageJson(int32_t prompt_tokens, int32_t completion_tokens) {
  return {{"prompt_tokens", prompt_tokens},
          {"completion_tokens", completion_tokens},
          {"total_tokens", prompt_tokens + completion_tokens}};
}

ResponseHeader NewResponseHeader(std::string_view prefix, const std::string& model) {
  return {.id = NewResponseId(prefix),
          .model = model,
          .created = UnixSeconds(std::chrono::system_clock::now())};
}

json CompletionJson(const ResponseHeader& header, const GenerateResult& result) {
  json body = ChoiceBase(header, "text_completion");
  body["choices"] = json::array({{{"index", 0},
                                  {"text", result.text},
                                  {"logprobs", nullptr},
                                  {"finish_reason", OpenAiFinishReason(result.finish_reason)}}});
  body["usage"] = UsageJson(result.prompt_tokens, result.generated_tokens);
  return body;
}

json CompletionChunkJson(const ResponseHeader& header, const std::string& text,
                         std::optional<std::string_view> finish) {
  json body = ChoiceBase(header, "text_completion");
  body["choices"] = json::array(
      {{{"index", 0}, {"text", text}, {"logprobs", nullptr}, {"finish_reason", FinishJson(finish)}}});
  return body;
}

json ChatMessageJson(const ParsedReply& reply) {
  json message = {{"role", "assistant"}};
  message["content"] = reply.content.empty() && !reply.tool_calls.empty() ? json(nullptr)
                                                                          : json(reply.content);
  if (!reply.reasoning.empty()) message["reasoning_content"] = reply.reasoning;
  if (!reply.tool_calls.empty()) message["tool_calls"] = ToolCallsJson(reply.tool_calls);
  return message;
}

json ChatCompletionJson(const ResponseHeader& header, const ParsedReply& reply,
                        const GenerateResult& result) {
  json body = ChoiceBase(header, "chat.completion");
  const std::string_view finish =
      reply.tool_calls.empty() ? OpenAiFinishReason(result.finish_reason) : "tool_calls";
  body["choices"] = json::array({{{"index", 0},
                                  {"message", ChatMessageJson(reply)},
                                  {"logprobs", nullptr},
                                  {"finish_reason", finish}}});
  body["usage"] = UsageJson(result.prompt_tokens, result.generated_tokens);
  return body;
}

json ChatChunkJson(const ResponseHeader& header, const json& delta,
                   std::optional<std::string_view> finish) {
  json body = ChoiceBase(header, "chat.completion.chunk");
  body["choices"] = json::array(
      {{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", FinishJson(finish)}}});
  return body;
}

json UsageChunkJson(const ResponseHeader& header, std::string_view object,
                    const GenerateResult& result) {
  json body = ChoiceBase(header, object);
  body["choices"] = json::array();
  body["usage"] = UsageJson(result.prompt_tokens, result.generated_tokens);
  return body;
}

std::string Float32Base64(const std::vector<float>& values) {
  std::vector<unsigned char> bytes(values.size() * sizeof(float));
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits = std::bit_cast<uint32_t>(values[i]);
    for (size_t k = 0; k < 4; ++k) bytes[i * 4 + k] = static_cast<unsigned char>(bits >> (8 * k));
  }
  return Base64(bytes);
}

json EmbeddingsJson(const std::string& model, const EmbedResult& result, bool base64) {
  json data = json::array();
  for (size_t i = 0; i < result.embeddings.size(); ++i) {
    json vector = base64 ? json(Float32Base64(result.embeddings[i])) : json(result.embeddings[i]);
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", std::move(vector)}});
  }
  return {{"object", "list"},
          {"data", data},
          {"model", model},
          {"usage", {{"prompt_tokens", result.prompt_tokens}, {"total_tokens", result.prompt_tokens}}}};
}

json RerankJson(const std::string& model, const std::vector<std::string>& documents,
                const RerankResult& result, std::optional<size_t> top_n, bool return_documents) {
  std::vector<size_t> order(result.scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return result.scores[a] > result.scores[b]; });
  if (top_n && *top_n < order.size()) order.resize(*top_n);
  json results = json::array();
  for (size_t index : order) {
    json row = {{"index", index}, {"relevance_score", result.scores[index]}};
    if (return_documents && index < documents.size()) row["document"] = {{"text", documents[index]}};
    results.push_back(std::move(row));
  }
  return {{"object", "list"},
          {"model", model},
          {"results", results},
          {"usage", {{"prompt_tokens", result.prompt_tokens}, {"total_tokens", result.prompt_tokens}}}};
}

}  // namespace hearth::internal
