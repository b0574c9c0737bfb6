#include "server/ollama_chat_route.h"

#include <chrono>
#include <memory>

#include "base/clock.h"
#include "base/status_macros.h"
#include "models/chat_formatter.h"
#include "models/scheduler.h"
#include "server/chat_preparation.h"
#include "server/json_body.h"
#include "server/ollama_requests.h"
#include "server/ollama_responses.h"
#include "server/request_limits.h"
#include "server/lease_outcome.h"

namespace hearth::internal {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

struct PreparedChat {
  std::shared_ptr<ModelLease> lease;
  std::shared_ptr<const ChatFormatter> formatter;
  OllamaChat call;
  SteadyClock::time_point start;
};

StatusOr<PreparedChat> PrepareChat(const ServerServices& services, OllamaChat call,
                                   SteadyClock::time_point start) {
  if (call.has_images) {
    return InvalidArgumentError("model '" + call.model.model.DisplayName() +
                                "' does not support images");
  }
  // Refused before a model is loaded for it; capped again after the model's
  // own parameters apply.
  RETURN_IF_ERROR(LimitGeneration(services.limits, call.given_options, &call.generate));
  ASSIGN_OR_RETURN(LeasedChat leased,
                   LeaseAndFormatChat(services, call.model, &call.chat, call.format, &call.generate));
  RETURN_IF_ERROR(ApplyModelDefaults(leased.lease->model().parameters, call.given_options,
                                     &call.generate));
  RETURN_IF_ERROR(LimitGeneration(services.limits, call.given_options, &call.generate));
  return PreparedChat{.lease = std::move(leased.lease),
                      .formatter = std::move(leased.formatter),
                      .call = std::move(call),
                      .start = start};
}

json ChunkJson(const std::string& model, const std::string& text) {
  return {{"model", model},
          {"created_at", FormatRfc3339(std::chrono::system_clock::now())},
          {"message", {{"role", "assistant"}, {"content", text}}},
          {"done", false}};
}

// The final object: Ollama's generate statistics with `message` in place of
// `response` (its content empty when the text was streamed already).
json FinalJson(const PreparedChat& chat, const GenerateResult& result, const ParsedReply& reply,
               bool include_text) {
  json body = GenerateFinalJson(chat.call.model.model.DisplayName(), result,
                                TimingOf(*chat.lease, chat.start), false);
  body.erase("response");
  json message = {{"role", "assistant"}, {"content", include_text ? reply.content : std::string()}};
  if (!reply.reasoning.empty() && include_text) message["thinking"] = reply.reasoning;
  if (!reply.tool_calls.empty()) {
    json calls = json::array();
    for (const ChatToolCall& call : reply.tool_calls) {
      json arguments = json::parse(call.arguments_json, nullptr, false);
      if (arguments.is_discarded()) arguments = json::object();
      calls.push_back({{"function", {{"name", call.name}, {"arguments", arguments}}}});
    }
    message["tool_calls"] = calls;
  }
  body["message"] = message;
  return body;
}

void WriteLine(httplib::DataSink& sink, const json& line, bool* ok) {
  std::string text = NdjsonLine(line);
  *ok = *ok && sink.write(text.data(), text.size());
}

void StreamChat(PreparedChat& chat, std::stop_token shutdown, httplib::DataSink& sink) {
  const std::string model = chat.call.model.model.DisplayName();
  const bool tools = !chat.call.chat.tools_json.empty();
  bool open = true;
  StatusOr<GenerateResult> result = chat.lease->backend().Generate(
      chat.call.generate,
      [&](const GeneratePiece& piece) {
        if (!tools) WriteLine(sink, ChunkJson(model, piece.text), &open);
        return open;
      },
      shutdown);
  StatusOr<ParsedReply> reply =
      result.ok() ? chat.formatter->ParseReply(result->text, tools) : StatusOr<ParsedReply>(result.status());
  if (!reply.ok()) {
    Status status = result.ok() ? reply.status() : CheckedBackendStatus(*chat.lease, result.status());
    if (shutdown.stop_requested()) {
      WriteLine(sink, json{{"error", "generation cancelled: the server is shutting down"}}, &open);
    } else if (status.code() != StatusCode::kCancelled) {
      WriteLine(sink, json{{"error", status.message()}}, &open);
    }
    return sink.done();
  }
  WriteLine(sink, FinalJson(chat, *result, *reply, tools), &open);
  sink.done();
}

// No messages: Ollama's "load the model" (and, with keep_alive 0, "unload
// it"); nothing is generated. Answers done_reason "load" or "unload".
void HandleLoadOnly(const ServerServices& services, const OllamaChat& call,
                    httplib::Response& response) {
  const std::string model = call.model.model.DisplayName();
  json body = {{"model", model},
               {"created_at", FormatRfc3339(std::chrono::system_clock::now())},
               {"message", {{"role", "assistant"}, {"content", ""}}},
               {"done", true}};
  if (call.model.keep_alive && call.model.keep_alive->count() == 0) {
    Status unloaded = services.scheduler->Unload(call.model.model, "keep_alive 0 request (stop)");
    if (!unloaded.ok() && unloaded.code() != StatusCode::kNotFound) {
      return SetJsonError(response, unloaded);
    }
    body["done_reason"] = "unload";
    return SetJson(response, body);
  }
  StatusOr<ModelLease> lease = services.scheduler->Acquire(call.model);
  if (!lease.ok()) return SetJsonError(response, lease.status());
  body["done_reason"] = "load";
  SetJson(response, body);
}

void HandleChat(const ServerServices& services, const httplib::Request& request,
                httplib::Response& response) {
  const SteadyClock::time_point start = SteadyClock::now();
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaChat> call = ParseOllamaChat(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  if (call->chat.messages.empty()) return HandleLoadOnly(services, *call, response);
  StatusOr<PreparedChat> chat = PrepareChat(services, std::move(*call), start);
  if (!chat.ok()) return SetJsonError(response, chat.status());
  if (chat->call.stream) {
    // The 200 goes out before any token exists: refuse what cannot fit now.
    if (Status fits = CheckPromptFits(*chat->lease, chat->call.generate); !fits.ok()) {
      return SetJsonError(response, CheckedBackendStatus(*chat->lease, fits));
    }
    auto shared = std::make_shared<PreparedChat>(std::move(*chat));
    return response.set_chunked_content_provider(
        kNdjsonContentType, [shared, shutdown = services.shutdown](size_t, httplib::DataSink& sink) {
          StreamChat(*shared, shutdown, sink);
          return true;
        });
  }
  StatusOr<GenerateResult> result = chat->lease->backend().Generate(
      chat->call.generate, [](const GeneratePiece&) { return true; }, services.shutdown);
  if (!result.ok()) {
    return SetJsonError(response, CheckedBackendStatus(*chat->lease, result.status()));
  }
  StatusOr<ParsedReply> reply =
      chat->formatter->ParseReply(result->text, !chat->call.chat.tools_json.empty());
  if (!reply.ok()) return SetJsonError(response, reply.status());
  SetJson(response, FinalJson(*chat, *result, *reply, true));
}

}  // namespace

void RegisterOllamaChatRoute(RouteTable& routes, const ServerServices& services) {
  if (services.scheduler == nullptr || services.formatters == nullptr) return;
  routes.Post("/api/chat", [services](const httplib::Request& request, httplib::Response& response) {
    HandleChat(services, request, response);
  });
}

}  // namespace hearth::internal
