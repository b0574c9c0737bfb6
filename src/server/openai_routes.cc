#include "server/openai_routes.h"

#include "server/lease_outcome.h"

#include <memory>
#include <stop_token>

#include "models/model_store.h"
#include "server/chat_preparation.h"
#include "server/json_body.h"
#include "server/openai_requests.h"
#include "server/request_limits.h"
#include "server/openai_responses.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

void HandleModels(const ModelStore& store, httplib::Response& response) {
  StatusOr<std::vector<ModelEntry>> entries = store.List();
  if (!entries.ok()) return SetOpenAiError(response, entries.status());
  SetJson(response, ModelListJson(*entries));
}

void HandleModel(const ModelStore& store, const httplib::Request& request,
                 httplib::Response& response) {
  StatusOr<ModelName> name = ParseModelName(request.matches[1].str());
  if (!name.ok()) return SetOpenAiError(response, name.status());
  StatusOr<std::vector<ModelEntry>> entries = store.List();
  if (!entries.ok()) return SetOpenAiError(response, entries.status());
  for (const ModelEntry& entry : *entries) {
    if (entry.name == *name) return SetJson(response, ModelObjectJson(entry));
  }
  SetOpenAiError(response, NotFoundError("model '" + name->DisplayName() + "' is not installed"));
}

// Streams one completion as SSE chunks; a failed write (the client went
// away) cancels the generation.
void StreamCompletion(ModelLease& lease, const OpenAiCompletion& call, std::stop_token shutdown,
                      httplib::DataSink& sink) {
  const ResponseHeader header = NewResponseHeader("cmpl", call.model.model.DisplayName());
  StatusOr<GenerateResult> result = lease.backend().Generate(
      call.generate,
      [&](const GeneratePiece& piece) {
        return WriteSse(sink, CompletionChunkJson(header, piece.text, std::nullopt));
      },
      shutdown);
  if (!result.ok()) {
    Status status = CheckedBackendStatus(lease, result.status());
    if (shutdown.stop_requested()) {
      WriteSse(sink, OpenAiErrorJson(UnavailableError("generation cancelled: the server is shutting down")));
    } else if (status.code() != StatusCode::kCancelled) {
      WriteSse(sink, OpenAiErrorJson(status));
    }
    return sink.done();
  }
  WriteSse(sink, CompletionChunkJson(header, "", OpenAiFinishReason(result->finish_reason)));
  if (call.streaming.include_usage) WriteSse(sink, UsageChunkJson(header, "text_completion", *result));
  FinishSse(sink);
}

void HandleCompletion(const ServerServices& services, const httplib::Request& request,
                      httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetOpenAiError(response, body.status());
  StatusOr<OpenAiCompletion> call = ParseOpenAiCompletion(*body);
  if (!call.ok()) return SetOpenAiError(response, call.status());
  // Refused before a model is loaded for it; capped again after the model's
  // own parameters apply.
  if (Status limited = LimitGeneration(services.limits, call->given_options, &call->generate);
      !limited.ok()) {
    return SetOpenAiError(response, limited);
  }
  StatusOr<ModelLease> lease = services.scheduler->Acquire(call->model);
  if (!lease.ok()) return SetOpenAiError(response, lease.status());
  if (Status defaults = ApplyModelDefaults(lease->model().parameters, call->given_options,
                                           &call->generate);
      !defaults.ok()) {
    return SetOpenAiError(response, defaults);
  }
  if (Status capped = LimitGeneration(services.limits, call->given_options, &call->generate);
      !capped.ok()) {
    return SetOpenAiError(response, capped);
  }
  if (!call->streaming.stream) {
    StatusOr<GenerateResult> result =
        lease->backend().Generate(call->generate, [](const GeneratePiece&) { return true; },
                                  services.shutdown);
    if (!result.ok()) return SetOpenAiError(response, CheckedBackendStatus(*lease, result.status()));
    const ResponseHeader header = NewResponseHeader("cmpl", call->model.model.DisplayName());
    return SetJson(response, CompletionJson(header, *result));
  }
  // The 200 goes out before any token exists: refuse what cannot fit now.
  if (Status fits = CheckPromptFits(*lease, call->generate); !fits.ok()) {
    return SetOpenAiError(response, CheckedBackendStatus(*lease, fits));
  }
  auto shared_lease = std::make_shared<ModelLease>(std::move(*lease));
  response.set_chunked_content_provider(
      kSseContentType, [shared_lease, call = std::move(*call), shutdown = services.shutdown](
                             size_t, httplib::DataSink& sink) {
        StreamCompletion(*shared_lease, call, shutdown, sink);
        return true;
      });
}

void HandleEmbeddings(const ServerServices& services, const httplib::Request& request,
                      httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetOpenAiError(response, body.status());
  StatusOr<OpenAiEmbed> call = ParseOpenAiEmbed(*body);
  if (!call.ok()) return SetOpenAiError(response, call.status());
  StatusOr<ModelLease> lease = services.scheduler->Acquire(call->model);
  if (!lease.ok()) return SetOpenAiError(response, lease.status());
  StatusOr<EmbedResult> result = lease->backend().Embed(call->embed, services.shutdown);
  if (!result.ok()) return SetOpenAiError(response, CheckedBackendStatus(*lease, result.status()));
  const size_t length = result->embeddings.empty() ? 0 : result->embeddings[0].size();
  if (call->dimensions && static_cast<size_t>(*call->dimensions) != length) {
    return SetOpenAiError(response, InvalidArgumentError(
                                        "\"dimensions\" must be " + std::to_string(length) +
                                        ", the model's embedding length (shortening is not supported)"));
  }
  SetJson(response, EmbeddingsJson(call->model.model.DisplayName(), *result, call->base64));
}

void HandleRerank(const ServerServices& services, const httplib::Request& request,
                  httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetOpenAiError(response, body.status());
  StatusOr<OpenAiRerank> call = ParseOpenAiRerank(*body);
  if (!call.ok()) return SetOpenAiError(response, call.status());
  StatusOr<ModelLease> lease = services.scheduler->Acquire(call->model);
  if (!lease.ok()) return SetOpenAiError(response, lease.status());
  StatusOr<RerankResult> result = lease->backend().Rerank(call->rerank, services.shutdown);
  if (!result.ok()) return SetOpenAiError(response, CheckedBackendStatus(*lease, result.status()));
  SetJson(response, RerankJson(call->model.model.DisplayName(), call->rerank.documents, *result,
                               call->top_n, call->return_documents));
}

}  // namespace

void RegisterOpenAiRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.models == nullptr || services.scheduler == nullptr) return;
  const ModelStore& store = *services.models;
  routes.Get("/v1/models", [&store](const httplib::Request&, httplib::Response& response) {
    HandleModels(store, response);
  });
  routes.Get("/v1/models/(.+)", [&store](const httplib::Request& request,
                                         httplib::Response& response) {
    HandleModel(store, request, response);
  });
  // `services` is copied: the caller's struct may not outlive the server.
  routes.Post("/v1/completions", [services](const httplib::Request& request,
                                            httplib::Response& response) {
    HandleCompletion(services, request, response);
  });
  routes.Post("/v1/embeddings", [services](const httplib::Request& request,
                                           httplib::Response& response) {
    HandleEmbeddings(services, request, response);
  });
  for (const char* path : {"/v1/rerank", "/v1/rerankings"}) {
    routes.Post(path, [services](const httplib::Request& request, httplib::Response& response) {
      HandleRerank(services, request, response);
    });
  }
  if (services.formatters != nullptr) RegisterOpenAiChatRoute(routes, services);
}

}  // namespace hearth::internal
