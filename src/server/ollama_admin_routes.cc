#include "server/ollama_admin_routes.h"

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "base/logging.h"
#include "base/status_macros.h"
#include "models/model_puller.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "server/json_body.h"
#include "server/ollama_admin_requests.h"
#include "server/ollama_quantized_create.h"
#include "server/uploaded_gguf.h"
#include "server/ollama_show_json.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// Answers with the status lines of a finished step: NDJSON, or the last one.
void SetStatusLines(httplib::Response& response, const std::vector<std::string>& statuses,
                    bool stream) {
  if (!stream) return SetJson(response, json{{"status", statuses.back()}});
  std::string body;
  for (const std::string& status : statuses) body += NdjsonLine(json{{"status", status}});
  response.set_content(body, kNdjsonContentType);
}

void HandleShow(const ModelStore& store, const httplib::Request& request,
                httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaShow> call = ParseOllamaShow(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  StatusOr<ResolvedModel> model = store.Resolve(call->model);
  if (!model.ok()) return SetJsonError(response, model.status());
  SetJson(response, ShowJson(*model));
}

// The spec's source: the installed model, or the uploaded GGUF blob.
Status FillSource(ModelStore& store, OllamaCreate& call) {
  if (call.from) {
    call.spec.from_model = call.from;
    return OkStatus();
  }
  ASSIGN_OR_RETURN(UploadedGguf blob, FindUploadedGguf(store, *call.model_blob));
  call.spec.from_file = std::move(blob.path);
  return OkStatus();
}

void HandleCreate(ModelStore& store, const httplib::Request& request, httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaCreate> call = ParseOllamaCreate(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  if (call->quantize) return HandleQuantizedCreate(store, *call, request, response);
  Status source = FillSource(store, *call);
  if (!source.ok()) return SetJsonError(response, source);
  StatusOr<ModelEntry> created = store.Create(call->model, call->spec);
  if (!created.ok()) return SetJsonError(response, created.status());
  SetStatusLines(response,
                 {"parsing model", "using existing layers", "writing manifest", "success"},
                 call->stream);
}

void HandleCopy(ModelStore& store, const httplib::Request& request, httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaCopy> call = ParseOllamaCopy(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  Status copied = store.Copy(call->source, call->destination);
  if (!copied.ok()) return SetJsonError(response, copied);
  response.status = 200;
}

void HandleDelete(ModelStore& store, Scheduler& scheduler, const httplib::Request& request,
                  httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<ModelName> name = ModelOrNameField(*body);
  if (!name.ok()) return SetJsonError(response, name.status());
  Status removed = store.Remove(*name);
  if (!removed.ok()) return SetJsonError(response, removed);
  // A loaded copy keeps its file open; let it go once its requests end.
  Status unloaded = scheduler.Unload(*name, "model deleted (/api/delete)");
  if (!unloaded.ok() && unloaded.code() != StatusCode::kNotFound) {
    HEARTH_LOG(WARNING) << "unloading deleted model: " << unloaded.message();
  }
  response.status = 200;
}

json ProgressJson(const PullProgress& progress) {
  json line = {{"status", progress.status}};
  if (!progress.digest.empty()) {
    line["digest"] = progress.digest;
    line["total"] = progress.total;
    line["completed"] = progress.completed;
  }
  return line;
}

// Pulls while writing progress lines; a client that goes away stops the
// pull (the partial blobs stay for a resume).
void StreamPull(const ModelPuller& puller, const std::string& name, httplib::DataSink& sink) {
  std::stop_source stop;
  auto write = [&](const json& line) {
    std::string text = NdjsonLine(line);
    if (!stop.stop_requested() && !sink.write(text.data(), text.size())) stop.request_stop();
  };
  Status pulled = puller.Pull(
      name, [&](const PullProgress& progress) { write(ProgressJson(progress)); },
      stop.get_token());
  if (!pulled.ok() && pulled.code() != StatusCode::kCancelled) write(json{{"error", pulled.message()}});
  sink.done();
}

void HandlePull(ModelStore& store, const PullOptions& options, const httplib::Request& request,
                httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<OllamaPull> call = ParseOllamaPull(*body);
  if (!call.ok()) return SetJsonError(response, call.status());
  PullOptions pull = options;
  pull.insecure = pull.insecure || call->insecure;
  auto puller = std::make_shared<ModelPuller>(store, pull);
  if (!call->stream) {
    Status pulled = puller->Pull(call->model);
    if (!pulled.ok()) return SetJsonError(response, pulled);
    return SetJson(response, json{{"status", "success"}});
  }
  response.set_chunked_content_provider(
      kNdjsonContentType, [puller, name = call->model](size_t, httplib::DataSink& sink) {
        StreamPull(*puller, name, sink);
        return true;
      });
}

StatusOr<Digest> DigestParameter(const httplib::Request& request) {
  auto it = request.path_params.find("digest");
  if (it == request.path_params.end()) return InvalidArgumentError("no blob digest in the path");
  StatusOr<Digest> digest = Digest::Parse(it->second);
  if (!digest.ok()) return InvalidArgumentError("blob digest: " + digest.status().message());
  return digest;
}

void HandleBlobHead(ModelStore& store, const httplib::Request& request,
                    httplib::Response& response) {
  StatusOr<Digest> digest = DigestParameter(request);
  if (!digest.ok()) return SetJsonError(response, digest.status());
  if (store.blobs().Contains(*digest)) return;
  SetJsonError(response, NotFoundError("blob " + digest->ToString() + " is not in the store"));
}

// Streams the body into a new blob; nothing is kept unless it hashes to
// `expected`.
Status ReceiveBlob(ModelStore& store, const Digest& expected, const httplib::ContentReader& reader) {
  ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, store.blobs().NewWriter());
  Status appended = OkStatus();
  const bool read = reader([&](const char* data, size_t length) {
    appended = writer->Append({reinterpret_cast<const uint8_t*>(data), length});
    return appended.ok();
  });
  RETURN_IF_ERROR(appended);
  if (!read) return InvalidArgumentError("the upload broke off before the whole blob arrived");
  StatusOr<Digest> committed = writer->Commit(expected);
  if (!committed.ok() && committed.status().code() == StatusCode::kFailedPrecondition) {
    return InvalidArgumentError("blob upload: " + committed.status().message());
  }
  return committed.status();
}

void HandleBlobPost(ModelStore& store, const httplib::Request& request,
                    httplib::Response& response, const httplib::ContentReader& reader) {
  StatusOr<Digest> digest = DigestParameter(request);
  if (!digest.ok()) return SetJsonError(response, digest.status());
  Status received = ReceiveBlob(store, *digest, reader);
  if (!received.ok()) return SetJsonError(response, received);
  response.status = 201;
}

}  // namespace

void RegisterOllamaAdminRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.models == nullptr || services.scheduler == nullptr) return;
  ModelStore& store = *services.models;
  Scheduler& scheduler = *services.scheduler;
  const PullOptions pull = services.pull != nullptr ? *services.pull : PullOptions{};
  routes.Post("/api/show", [&store](const httplib::Request& request, httplib::Response& response) {
    HandleShow(store, request, response);
  });
  routes.Post("/api/create", [&store](const httplib::Request& request, httplib::Response& response) {
    HandleCreate(store, request, response);
  });
  routes.Post("/api/copy", [&store](const httplib::Request& request, httplib::Response& response) {
    HandleCopy(store, request, response);
  });
  routes.Delete("/api/delete", [&store, &scheduler](const httplib::Request& request,
                                                    httplib::Response& response) {
    HandleDelete(store, scheduler, request, response);
  });
  routes.Post("/api/pull", [&store, pull](const httplib::Request& request,
                                          httplib::Response& response) {
    HandlePull(store, pull, request, response);
  });
  routes.Get("/api/blobs/:digest",
             [&store](const httplib::Request& request, httplib::Response& response) {
               HandleBlobHead(store, request, response);
             });
  routes.PostWithReader("/api/blobs/:digest",
              [&store](const httplib::Request& request, httplib::Response& response,
                       const httplib::ContentReader& reader) {
                HandleBlobPost(store, request, response, reader);
              });
}

}  // namespace hearth::internal
