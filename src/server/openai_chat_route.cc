// POST /v1/chat/completions: the conversation is formatted with the model's
// chat template (models/chat_formatter.h), generated, and the reply parsed
// back into content and tool calls.
#include <memory>
#include <stop_token>

#include "base/status_macros.h"
#include "models/chat_formatter.h"
#include "server/chat_preparation.h"
#include "server/lease_outcome.h"
#include "server/json_body.h"
#include "server/openai_requests.h"
#include "server/request_limits.h"
#include "server/openai_responses.h"
#include "server/openai_routes.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// The `format` LeaseAndFormatChat takes for the request's response_format.
std::string ResponseFormat(const OpenAiChat& call) {
  switch (call.format) {
    case ResponseFormatKind::kText: return std::string();
    case ResponseFormatKind::kJsonObject: return "json";
    case ResponseFormatKind::kJsonSchema: return call.json_schema;
  }
  return std::string();
}

struct PreparedChat {
  std::shared_ptr<ModelLease> lease;
  std::shared_ptr<const ChatFormatter> formatter;
  OpenAiChat call;
};

StatusOr<PreparedChat> PrepareChat(const ServerServices& services, const httplib::Request& request) {
  ASSIGN_OR_RETURN(json body, ParseJsonObject(request.body));
  ASSIGN_OR_RETURN(OpenAiChat call, ParseOpenAiChat(body));
  // Refused before a model is loaded for it; capped again after the model's
  // own parameters apply.
  RETURN_IF_ERROR(LimitGeneration(services.limits, call.given_options, &call.generate));
  if (call.has_images) {
    return InvalidArgumentError("model '" + call.model.model.DisplayName() +
                                "' is text-only: it cannot read content parts of type image_url");
  }
  ASSIGN_OR_RETURN(LeasedChat leased, LeaseAndFormatChat(services, call.model, &call.chat,
                                                         ResponseFormat(call), &call.generate));
  RETURN_IF_ERROR(ApplyModelDefaults(leased.lease->model().parameters, call.given_options,
                                     &call.generate));
  RETURN_IF_ERROR(LimitGeneration(services.limits, call.given_options, &call.generate));
  return PreparedChat{.lease = std::move(leased.lease),
                      .formatter = std::move(leased.formatter),
                      .call = std::move(call)};
}

bool HasTools(const OpenAiChat& call) { return !call.chat.tools_json.empty(); }

// The reply's parts as one delta chunk (used when tools are given: the reply
// is parsed whole before it is sent).
json ReplyDelta(const ParsedReply& reply) {
  json delta = ChatMessageJson(reply);
  delta.erase("role");
  return delta;
}

// Streams the chat as SSE chunks: the role first, then content as it is
// generated (or, with tools, the parsed reply at the end), the finish
// reason, the usage when asked, and [DONE]. A failed write cancels.
void StreamChat(PreparedChat& chat, std::stop_token shutdown, httplib::DataSink& sink) {
  const ResponseHeader header = NewResponseHeader("chatcmpl", chat.call.model.model.DisplayName());
  const bool tools = HasTools(chat.call);
  WriteSse(sink, ChatChunkJson(header, {{"role", "assistant"}, {"content", ""}}, std::nullopt));
  StatusOr<GenerateResult> result = chat.lease->backend().Generate(
      chat.call.generate,
      [&](const GeneratePiece& piece) {
        return tools || WriteSse(sink, ChatChunkJson(header, {{"content", piece.text}}, std::nullopt));
      },
      shutdown);
  StatusOr<ParsedReply> reply = result.ok() && tools
                                    ? chat.formatter->ParseReply(result->text, true)
                                    : StatusOr<ParsedReply>(ParsedReply{});
  Status status = !result.ok() ? CheckedBackendStatus(*chat.lease, result.status()) : reply.status();
  if (!status.ok()) {
    if (shutdown.stop_requested()) {
      WriteSse(sink, OpenAiErrorJson(UnavailableError("generation cancelled: the server is shutting down")));
    } else if (status.code() != StatusCode::kCancelled) {
      WriteSse(sink, OpenAiErrorJson(status));
    }
    return sink.done();
  }
  if (tools) WriteSse(sink, ChatChunkJson(header, ReplyDelta(*reply), std::nullopt));
  const std::string_view finish =
      reply->tool_calls.empty() ? OpenAiFinishReason(result->finish_reason) : "tool_calls";
  WriteSse(sink, ChatChunkJson(header, json::object(), finish));
  if (chat.call.streaming.include_usage) {
    WriteSse(sink, UsageChunkJson(header, "chat.completion.chunk", *result));
  }
  FinishSse(sink);
}

void HandleChat(const ServerServices& services, const httplib::Request& request,
                httplib::Response& response) {
  StatusOr<PreparedChat> chat = PrepareChat(services, request);
  if (!chat.ok()) return SetOpenAiError(response, chat.status());
  if (chat->call.streaming.stream) {
    // The 200 goes out before any token exists: refuse what cannot fit now.
    if (Status fits = CheckPromptFits(*chat->lease, chat->call.generate); !fits.ok()) {
      return SetOpenAiError(response, CheckedBackendStatus(*chat->lease, fits));
    }
    auto shared = std::make_shared<PreparedChat>(std::move(*chat));
    return response.set_chunked_content_provider(
        kSseContentType, [shared, shutdown = services.shutdown](size_t, httplib::DataSink& sink) {
          StreamChat(*shared, shutdown, sink);
          return true;
        });
  }
  StatusOr<GenerateResult> result = chat->lease->backend().Generate(
      chat->call.generate, [](const GeneratePiece&) { return true; }, services.shutdown);
  if (!result.ok()) {
    return SetOpenAiError(response, CheckedBackendStatus(*chat->lease, result.status()));
  }
  StatusOr<ParsedReply> reply = chat->formatter->ParseReply(result->text, HasTools(chat->call));
  if (!reply.ok()) return SetOpenAiError(response, reply.status());
  const ResponseHeader header = NewResponseHeader("chatcmpl", chat->call.model.model.DisplayName());
  SetJson(response, ChatCompletionJson(header, *reply, *result));
}

}  // namespace

void RegisterOpenAiChatRoute(RouteTable& routes, const ServerServices& services) {
  routes.Post("/v1/chat/completions",
              [services](const httplib::Request& request, httplib::Response& response) {
                HandleChat(services, request, response);
              });
}

}  // namespace hearth::internal
