#include "server/model_routes.h"

#include <chrono>
#include <memory>
#include <stop_token>

#include "base/logging.h"
#include "base/status_macros.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "server/chat_preparation.h"
#include "server/json_body.h"
#include "server/lease_outcome.h"
#include "server/model_defaults.h"
#include "server/ollama_requests.h"
#include "server/ollama_responses.h"
#include "server/request_limits.h"

namespace hearth::internal {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

void HandleTags(const ModelStore& store, httplib::Response& response) {
  StatusOr<std::vector<ModelEntry>> entries = store.List();
  if (!entries.ok()) return SetJsonError(response, entries.status());
  SetJson(response, TagsJson(*entries));
}

// Runs one generation, writing NDJSON lines to `sink` as pieces arrive. A
// failed write (the client went away) cancels the generation, and so does
// `shutdown` (the server's grace period ran out), which ends the stream with
// an error line.
void StreamGeneration(std::shared_ptr<ModelLease> lease, OllamaGenerate call,
                      SteadyClock::time_point start, std::stop_token shutdown,
                      httplib::DataSink& sink) {
  const std::string model = call.model.model.DisplayName();
  auto write_line = [&sink](const json& line) {
    std::string text = NdjsonLine(line);
    return sink.write(text.data(), text.size());
  };
  StatusOr<GenerateResult> result = lease->backend().Generate(
      call.generate,
      [&](const GeneratePiece& piece) { return write_line(GenerateChunkJson(model, piece.text)); },
      shutdown);
  if (result.ok()) {
    write_line(GenerateFinalJson(model, *result, TimingOf(*lease, start), false));
  } else if (shutdown.stop_requested()) {
    write_line(json{{"error", "generation cancelled: the server is shutting down"}});
  } else {
    Status status = CheckedBackendStatus(*lease, result.status());
    if (status.code() != StatusCode::kCancelled) write_line(json{{"error", status.message()}});
  }
  sink.done();
}

// Turns the request's prompt into what the model reads: the conversation
// (`system`, then the prompt as the user's turn) rendered with the model's
// chat template, unless `raw` or the model is remote (its provider formats).
// `format` becomes a grammar either way.
Status PreparePrompt(const ServerServices& services, const ModelLease& lease, OllamaGenerate* call) {
  if (call->raw || lease.model().remote || services.formatters == nullptr) {
    if (!call->format.empty()) {
      ASSIGN_OR_RETURN(call->generate.grammar, JsonSchemaToGrammar(call->format));
    }
    return OkStatus();
  }
  ChatFormatRequest chat;
  if (!call->system.empty()) chat.messages.push_back({.role = "system", .content = call->system});
  chat.messages.push_back({.role = "user", .content = call->generate.prompt});
  return FormatChatFor(services, lease, &chat, call->format, &call->generate).status();
}

void HandleGenerate(const ServerServices& services, const httplib::Request& request,
                    httplib::Response& response) {
  Scheduler& scheduler = *services.scheduler;
  const std::stop_token shutdown = services.shutdown;
  const SteadyClock::time_point start = SteadyClock::now();
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaGenerate> call = ParseOllamaGenerate(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  const std::string model = call->model.model.DisplayName();
  if (call->load_only && call->model.keep_alive && call->model.keep_alive->count() == 0) {
    // Ollama's "unload now" (what `ollama stop` sends); nothing is loaded for it.
    Status unloaded = scheduler.Unload(call->model.model, "keep_alive 0 request (stop)");
    if (!unloaded.ok() && unloaded.code() != StatusCode::kNotFound) {
      return SetJsonError(response, unloaded);
    }
    return SetJson(response, LoadOnlyJson(model, "unload"));
  }
  if (call->has_images) {
    return SetJsonError(response, InvalidArgumentError("model '" + model + "' does not support images"));
  }
  // Refused before a model is loaded for it; capped again after the model's
  // own parameters apply.
  if (Status limited = LimitGeneration(services.limits, call->given_options, &call->generate);
      !limited.ok()) {
    return SetJsonError(response, limited);
  }
  StatusOr<ModelLease> lease = scheduler.Acquire(call->model);
  if (!lease.ok()) return SetJsonError(response, lease.status());
  if (call->load_only) return SetJson(response, LoadOnlyJson(model, "load"));
  if (Status defaults = ApplyModelDefaults(lease->model().parameters, call->given_options,
                                           &call->generate);
      !defaults.ok()) {
    return SetJsonError(response, defaults);
  }
  if (Status capped = LimitGeneration(services.limits, call->given_options, &call->generate);
      !capped.ok()) {
    return SetJsonError(response, capped);
  }
  if (Status prepared = PreparePrompt(services, *lease, &*call); !prepared.ok()) {
    return SetJsonError(response, prepared);
  }
  if (!call->stream) {
    StatusOr<GenerateResult> result =
        lease->backend().Generate(call->generate, [](const GeneratePiece&) { return true; },
                                  shutdown);
    if (!result.ok()) {
      return SetJsonError(response, CheckedBackendStatus(*lease, result.status()));
    }
    return SetJson(response, GenerateFinalJson(model, *result, TimingOf(*lease, start), true));
  }
  // A streamed answer starts with 200 before any token exists.
  if (Status fits = CheckPromptFits(*lease, call->generate); !fits.ok()) {
    return SetJsonError(response, CheckedBackendStatus(*lease, fits));
  }
  auto shared_lease = std::make_shared<ModelLease>(std::move(*lease));
  response.set_chunked_content_provider(
      kNdjsonContentType,
      [shared_lease, call = std::move(*call), start, shutdown](size_t, httplib::DataSink& sink) {
        StreamGeneration(shared_lease, call, start, shutdown, sink);
        return true;
      });
}

void HandleEmbed(Scheduler& scheduler, std::stop_token shutdown, const httplib::Request& request,
                 httplib::Response& response) {
  const SteadyClock::time_point start = SteadyClock::now();
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaEmbed> call = ParseOllamaEmbed(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  StatusOr<ModelLease> lease = scheduler.Acquire(call->model);
  if (!lease.ok()) return SetJsonError(response, lease.status());
  StatusOr<EmbedResult> result = lease->backend().Embed(call->embed, shutdown);
  if (!result.ok()) return SetJsonError(response, CheckedBackendStatus(*lease, result.status()));
  SetJson(response, EmbedJson(call->model.model.DisplayName(), *result, TimingOf(*lease, start)));
}

// The legacy /api/embeddings: one "prompt", one vector as Ollama returned it
// (not normalized), and an empty vector for an empty prompt.
void HandleLegacyEmbeddings(Scheduler& scheduler, std::stop_token shutdown,
                            const httplib::Request& request, httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaEmbed> call = ParseOllamaLegacyEmbeddings(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  if (call->embed.inputs.front().empty()) return SetJson(response, json{{"embedding", json::array()}});
  StatusOr<ModelLease> lease = scheduler.Acquire(call->model);
  if (!lease.ok()) return SetJsonError(response, lease.status());
  StatusOr<EmbedResult> result = lease->backend().Embed(call->embed, shutdown);
  if (!result.ok()) return SetJsonError(response, CheckedBackendStatus(*lease, result.status()));
  SetJson(response, json{{"embedding", result->embeddings.front()}});
}

}  // namespace

void RegisterModelRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.models == nullptr || services.scheduler == nullptr) return;
  const ModelStore& store = *services.models;
  Scheduler& scheduler = *services.scheduler;
  const std::stop_token shutdown = services.shutdown;
  routes.Get("/api/tags", [&store](const httplib::Request&, httplib::Response& response) {
    HandleTags(store, response);
  });
  routes.Get("/api/ps", [&scheduler](const httplib::Request&, httplib::Response& response) {
    SetJson(response, PsJson(scheduler));
  });
  routes.Post("/api/generate",
              [services](const httplib::Request& request, httplib::Response& response) {
                HandleGenerate(services, request, response);
              });
  routes.Post("/api/embed",
              [&scheduler, shutdown](const httplib::Request& request,
                                     httplib::Response& response) {
                HandleEmbed(scheduler, shutdown, request, response);
              });
  routes.Post("/api/embeddings",
              [&scheduler, shutdown](const httplib::Request& request,
                                     httplib::Response& response) {
                HandleLegacyEmbeddings(scheduler, shutdown, request, response);
              });
}

}  // namespace hearth::internal
