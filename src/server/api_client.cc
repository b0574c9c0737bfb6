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
    case 507: return StatusCode::kInsufficientStorage;
    case 504: return StatusCode::kDeadlineExceeded;
    default: return StatusCode::kInternal;
  }
}

std::string Where(const ServerAddress& address) {
  return address.host + ":" + std::to_string(address.port);
}

Status Unreachable(const ServerAddress& address, httplib::Error error) {
  return UnavailableError("cannot reach hearth at " + Where(address) + " (" +
                          httplib::to_string(error) +
                          "); is 'hearth serve' running? (--host/--port, HEARTH_HOST/HEARTH_PORT)");
}

// The error an answer carries: its "error" field, else the HTTP status.
Status ErrorOf(int http_status, const json& body) {
  std::string message = body.is_object() && body.contains("error") && body["error"].is_string()
                            ? body["error"].get<std::string>()
                            : "HTTP " + std::to_string(http_status);
  return Status(CodeForHttp(http_status), message);
}

// A client for `address`, with its API key when it has one.
httplib::Client ClientFor(const ServerAddress& address) {
  httplib::Client client(address.host, address.port);
  if (!address.api_key.empty()) client.set_bearer_token_auth(address.api_key);
  return client;
}

// The body of a 2xx answer, or the error the server (or the network) gave.
StatusOr<json> Exchange(const ServerAddress& address, const std::string& method,
                        const std::string& path, const std::string& body) {
  httplib::Client client = ClientFor(address);
  client.set_connection_timeout(5);
  client.set_read_timeout(60);
  httplib::Result result = method == "GET" ? client.Get(path)
                                           : client.Post(path, body, "application/json");
  if (!result) return Unreachable(address, result.error());
  json parsed = json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (result->status / 100 != 2) return ErrorOf(result->status, parsed);
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

// Reads /api/chat's NDJSON stream line by line into a ChatTurnResult.
class ChatStreamReader {
 public:
  explicit ChatStreamReader(const ChatPieceCallback& on_piece) : on_piece_(on_piece) {}

  // Consumes bytes; false stops the transfer (callback refusal, bad line).
  bool Consume(std::string_view bytes) {
    pending_.append(bytes);
    size_t end;
    while ((end = pending_.find('\n')) != std::string::npos) {
      const std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      if (!line.empty() && !ConsumeLine(line)) return false;
    }
    return true;
  }

  // What the stream amounted to, given the HTTP status and the body httplib
  // kept (error answers may bypass the receiver).
  StatusOr<ChatTurnResult> Finish(int http_status, const std::string& kept_body) {
    if (!pending_.empty()) ConsumeLine(pending_);
    if (http_status / 100 != 2) {
      if (first_.is_null()) first_ = json::parse(kept_body, nullptr, /*allow_exceptions=*/false);
      return ErrorOf(http_status, first_);
    }
    if (!error_.ok()) return error_;
    if (!done_) return UnavailableError("the server ended the answer early");
    return result_;
  }

  bool cancelled() const { return cancelled_; }

 private:
  bool ConsumeLine(const std::string& line) {
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object()) {
      error_ = InternalError("the server sent a line that is not JSON");
      return false;
    }
    if (first_.is_null()) first_ = parsed;
    if (parsed.contains("error") && parsed["error"].is_string()) {
      error_ = InternalError(parsed["error"].get<std::string>());
      return false;
    }
    const std::string piece = parsed.value("message", json::object()).value("content", "");
    result_.content += piece;
    if (parsed.value("done", false)) return Finished(parsed);
    if (!piece.empty() && !on_piece_(piece)) {
      cancelled_ = true;
      error_ = CancelledError("stopped");
      return false;
    }
    return true;
  }

  bool Finished(const json& line) {
    done_ = true;
    result_.done_reason = line.value("done_reason", "");
    result_.prompt_tokens = line.value("prompt_eval_count", int64_t{0});
    result_.generated_tokens = line.value("eval_count", int64_t{0});
    result_.prompt_eval_ns = line.value("prompt_eval_duration", int64_t{0});
    result_.eval_ns = line.value("eval_duration", int64_t{0});
    result_.total_ns = line.value("total_duration", int64_t{0});
    result_.load_ns = line.value("load_duration", int64_t{0});
    return true;
  }

  const ChatPieceCallback& on_piece_;
  std::string pending_;
  json first_;
  ChatTurnResult result_;
  Status error_;
  bool done_ = false;
  bool cancelled_ = false;
};

json ChatBody(const ChatTurnRequest& request) {
  json messages = json::array();
  for (const ChatTurnMessage& message : request.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  json body = {{"model", request.model}, {"messages", messages}, {"stream", true}};
  if (request.keep_alive) body["keep_alive"] = *request.keep_alive;
  return body;
}

}  // namespace

StatusOr<ChatTurnResult> StreamChat(const ServerAddress& address, const ChatTurnRequest& request,
                                    const ChatPieceCallback& on_piece) {
  httplib::Client client = ClientFor(address);
  client.set_connection_timeout(5);
  // A model load and a long prefill may pass before the first piece.
  client.set_read_timeout(600);
  ChatStreamReader reader(on_piece);
  httplib::Result result = client.Post(
      "/api/chat", httplib::Headers{},
      ChatBody(request).dump(-1, ' ', false, json::error_handler_t::replace), "application/json",
      [&reader](const char* data, size_t size) { return reader.Consume({data, size}); });
  if (reader.cancelled()) return CancelledError("the answer was stopped");
  if (!result && result.error() != httplib::Error::Canceled) {
    return Unreachable(address, result.error());
  }
  return result ? reader.Finish(result->status, result->body) : reader.Finish(200, "");
}

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

namespace hearth {
namespace {

using nlohmann::json;

WorkspaceInfo WorkspaceFrom(const json& body) {
  return WorkspaceInfo{.id = body.value("id", int64_t{0}),
                       .slug = body.value("slug", ""),
                       .name = body.value("name", ""),
                       .embedder = body.value("embedder", "")};
}

}  // namespace

StatusOr<WorkspaceInfo> FetchWorkspace(const ServerAddress& address, const std::string& slug) {
  StatusOr<json> body = Exchange(address, "GET", "/api/v1/workspaces/" + slug, "");
  if (!body.ok()) return body.status();
  return WorkspaceFrom(*body);
}

StatusOr<WorkspaceInfo> CreateWorkspace(const ServerAddress& address, const std::string& slug,
                                        const std::string& embedder) {
  json request = {{"slug", slug}, {"embedder", embedder}};
  StatusOr<json> body = Exchange(address, "POST", "/api/v1/workspaces", request.dump());
  if (!body.ok()) return body.status();
  return WorkspaceFrom(*body);
}

StatusOr<std::vector<UploadOutcome>> UploadDocuments(const ServerAddress& address,
                                                     const std::string& slug,
                                                     const std::vector<UploadFile>& files) {
  httplib::Client client = ClientFor(address);
  client.set_connection_timeout(5);
  client.set_read_timeout(600);
  client.set_write_timeout(600);
  httplib::UploadFormDataItems items;
  for (const UploadFile& file : files) {
    items.push_back({.name = "file", .content = file.content, .filename = file.name,
                     .content_type = "application/octet-stream"});
  }
  httplib::Result result = client.Post("/api/v1/workspaces/" + slug + "/documents", items);
  if (!result) return Unreachable(address, result.error());
  json parsed = json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  if (result->status / 100 != 2) return ErrorOf(result->status, parsed);
  std::vector<UploadOutcome> outcomes;
  for (const json& entry : parsed.value("documents", json::array())) {
    outcomes.push_back({.name = entry.value("name", ""),
                        .document_id = entry.value("document_id", int64_t{0}),
                        .job_id = entry.value("job_id", int64_t{0}),
                        .duplicate = entry.value("duplicate", false),
                        .error = entry.value("error", "")});
  }
  return outcomes;
}

StatusOr<JobInfo> FetchJob(const ServerAddress& address, int64_t id) {
  StatusOr<json> body = Exchange(address, "GET", "/api/v1/jobs/" + std::to_string(id), "");
  if (!body.ok()) return body.status();
  return JobInfo{.id = body->value("id", int64_t{0}),
                 .state = body->value("state", ""),
                 .pages_done = body->value("pages_done", int64_t{0}),
                 .chunks_total = body->value("chunks_total", int64_t{0}),
                 .chunks_done = body->value("chunks_done", int64_t{0}),
                 .error = body->value("error", "")};
}

namespace {

// Reads the chat route's SSE stream (sources, token..., done | error).
class AskStreamReader {
 public:
  explicit AskStreamReader(const ChatPieceCallback& on_piece) : on_piece_(on_piece) {}

  bool Consume(std::string_view bytes) {
    pending_.append(bytes);
    size_t end;
    while ((end = pending_.find("\n\n")) != std::string::npos) {
      const std::string block = pending_.substr(0, end);
      pending_.erase(0, end + 2);
      if (!ConsumeEvent(block)) return false;
    }
    return true;
  }

  StatusOr<AskResult> Finish(int http_status, const std::string& kept_body) {
    if (http_status / 100 != 2) {
      // An error answer is plain JSON, handed to the receiver like a stream.
      const std::string& body = kept_body.empty() ? pending_ : kept_body;
      return ErrorOf(http_status, json::parse(body, nullptr, /*allow_exceptions=*/false));
    }
    if (!error_.ok()) return error_;
    if (!done_) return UnavailableError("the server ended the answer early");
    return result_;
  }

  bool cancelled() const { return cancelled_; }

 private:
  bool ConsumeEvent(const std::string& block) {
    const std::string kEvent = "event: ";
    const std::string kData = "\ndata: ";
    const size_t data_at = block.find(kData);
    if (block.rfind(kEvent, 0) != 0 || data_at == std::string::npos) {
      error_ = InternalError("the server sent an event that is not SSE");
      return false;
    }
    const std::string event = block.substr(kEvent.size(), data_at - kEvent.size());
    json data = json::parse(block.substr(data_at + kData.size()), nullptr, false);
    if (!data.is_object()) {
      error_ = InternalError("the server sent an event that is not JSON");
      return false;
    }
    if (event == "error") {
      error_ = InternalError(data.value("error", "the answer failed"));
      return false;
    }
    if (event == "token") {
      const std::string piece = data.value("text", "");
      if (!piece.empty() && !on_piece_(piece)) {
        cancelled_ = true;
        error_ = CancelledError("stopped");
        return false;
      }
      return true;
    }
    if (event == "done") Done(data);
    return true;
  }

  void Done(const json& data) {
    done_ = true;
    result_.thread = data.value("thread", int64_t{0});
    result_.answer = data.value("answer", "");
    result_.refused = data.value("refused", false);
    result_.model = data.value("model", "");
    result_.note = data.value("note", "");
    for (const json& source : data.value("sources", json::array())) {
      AskSource row{.number = source.value("number", int64_t{0}),
                    .document = source.value("document", ""),
                    .heading = source.value("heading", ""),
                    .cited = source.value("cited", false),
                    .in_prompt = source.value("in_prompt", true)};
      const auto pages = source.find("pages");
      if (pages != source.end() && pages->is_array() && pages->size() == 2) {
        row.page_first = (*pages)[0].get<int64_t>();
        row.page_last = (*pages)[1].get<int64_t>();
      }
      result_.sources.push_back(std::move(row));
    }
    const auto trace = data.find("trace");
    if (trace != data.end() && trace->is_object()) {
      for (auto it = trace->begin(); it != trace->end(); ++it) {
        if (it->is_number()) result_.trace.emplace_back(it.key(), it->get<double>());
      }
    }
    const json usage = data.value("usage", json::object());
    result_.prompt_tokens = usage.value("prompt_tokens", int64_t{0});
    result_.cached_prompt_tokens = usage.value("cached_prompt_tokens", int64_t{0});
    result_.generated_tokens = usage.value("generated_tokens", int64_t{0});
  }

  const ChatPieceCallback& on_piece_;
  std::string pending_;
  AskResult result_;
  Status error_;
  bool done_ = false;
  bool cancelled_ = false;
};

}  // namespace

StatusOr<AskResult> AskWorkspace(const ServerAddress& address, const AskRequest& request,
                                 const ChatPieceCallback& on_piece) {
  json body = {{"message", request.question}, {"stream", true}};
  if (request.thread) body["thread"] = *request.thread;
  if (!request.mode.empty()) body["mode"] = request.mode;
  httplib::Client client = ClientFor(address);
  client.set_connection_timeout(5);
  client.set_read_timeout(600);
  AskStreamReader reader(on_piece);
  httplib::Result result = client.Post(
      "/api/v1/workspaces/" + httplib::encode_path_component(request.workspace) + "/chat", httplib::Headers{},
      body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json",
      [&reader](const char* data, size_t size) { return reader.Consume({data, size}); });
  if (reader.cancelled()) return CancelledError("the answer was stopped");
  if (!result && result.error() != httplib::Error::Canceled) return Unreachable(address, result.error());
  return result ? reader.Finish(result->status, result->body) : reader.Finish(200, "");
}

}  // namespace hearth
