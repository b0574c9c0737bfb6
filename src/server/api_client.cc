#include "server/api_client.h"

#include "httplib.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using nlohmann::json;

StatusCode CodeForHttp(int status) {
  switch (status) {
    case 400: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kAlreadyExists;
    case 412: return StatusCode::kFailedPrecondition;
    case 429: return StatusCode::kResourceExhausted;
    case 503: return StatusCode::kUnavailable;
    case 504: return StatusCode::kDeadlineExceeded;
    default: return StatusCode::kInternal;
  }
}

std::string Where(const ServerAddress& address) {
  return address.host + ":" + std::to_string(address.port);
}

// The body of a 2xx answer, or the error the server (or the network) gave.
StatusOr<json> Exchange(const ServerAddress& address, const std::string& method,
                        const std::string& path, const std::string& body) {
  httplib::Client client(address.host, address.port);
  client.set_connection_timeout(5);
  client.set_read_timeout(60);
  httplib::Result result = method == "GET" ? client.Get(path)
                                           : client.Post(path, body, "application/json");
  if (!result) {
    return UnavailableError("cannot reach hearth at " + Where(address) + " (" +
                            httplib::to_string(result.error()) +
                            "); is 'hearth serve' running? (--host/--port, HEARTH_HOST/HEARTH_PORT)");
  }
  json parsed = json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (result->status / 100 != 2) {
    std::string message = parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
                              ? parsed["error"].get<std::string>()
                              : "HTTP " + std::to_string(result->status);
    return Status(CodeForHttp(result->status), message);
  }
  if (parsed.is_discarded()) {
    return InternalError("the server at " + Where(address) + " answered with invalid JSON");
  }
  return parsed;
}

RunningModel RowFrom(const json& row) {
  const json hearth = row.value("hearth", json::object());
  return RunningModel{.name = row.value("name", ""),
                      .size = row.value("size", uint64_t{0}),
                      .size_measured = hearth.value("size_measured", false),
                      .context_length = row.value("context_length", int64_t{0}),
                      .slots = hearth.value("slots", int64_t{0}),
                      .kv_cache_type = hearth.value("kv_cache_type", ""),
                      .pinned = hearth.value("pinned", false),
                      .active_requests = hearth.value("active_requests", int64_t{0}),
                      .expires_at = row.value("expires_at", ""),
                      .loaded_at = hearth.value("loaded_at", ""),
                      .load_reason = hearth.value("load_reason", "")};
}

}  // namespace

StatusOr<RunningModels> FetchRunningModels(const ServerAddress& address) {
  StatusOr<json> body = Exchange(address, "GET", "/api/ps", "");
  if (!body.ok()) return body.status();
  try {
    RunningModels running;
    for (const json& row : body->value("models", json::array())) running.models.push_back(RowFrom(row));
    const json hearth = body->value("hearth", json::object());
    running.memory_budget = hearth.value("memory_budget", uint64_t{0});
    running.memory_used = hearth.value("memory_used", uint64_t{0});
    return running;
  } catch (const json::exception& error) {
    return InternalError(std::string("unexpected /api/ps answer: ") + error.what());
  }
}

Status StopModel(const ServerAddress& address, const std::string& model) {
  json request = {{"model", model}, {"keep_alive", 0}};
  return Exchange(address, "POST", "/api/generate", request.dump()).status();
}

}  // namespace hearth
