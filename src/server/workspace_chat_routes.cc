#include "server/workspace_chat_routes.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "app/answer_service.h"
#include "app/retriever.h"
#include "app/thread_service.h"
#include "app/workspace_service.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"
#include "server/resource_resolver.h"
#include "server/stream_recheck.h"
#include "server/workspace_path.h"
#include "server/metrics.h"
#include "server/openai_responses.h"
#include "server/request_limits.h"
#include "server/sse.h"
#include "server/workspace_chat_json.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

// Messages one export page reads.
constexpr int64_t kExportPage = 500;

StatusOr<std::optional<int64_t>> OptionalId(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  if (!it->is_number_integer() || it->get<int64_t>() < 1) {
    return InvalidArgumentError("\"" + std::string(key) + "\" must be a thread id");
  }
  return std::optional<int64_t>(it->get<int64_t>());
}

StatusOr<bool> OptionalBool(const json& body, const char* key, bool fallback) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) return InvalidArgumentError("\"" + std::string(key) + "\" must be true or false");
  return it->get<bool>();
}

// The question's text; 413 (set on `response`) when it is longer than
// --max-message-size.
std::optional<std::string> Question(const json& body, const char* key, const ServerLimits& limits,
                                    httplib::Response& response) {
  StatusOr<std::optional<std::string>> text = OptionalString(body, key);
  if (!text.ok()) {
    SetJsonError(response, text.status());
    return std::nullopt;
  }
  if (!*text) {
    SetJsonError(response, InvalidArgumentError("\"" + std::string(key) + "\" is required"));
    return std::nullopt;
  }
  if (Status sized = CheckMessageSize(key, (*text)->size(), limits); !sized.ok()) {
    SetJsonError(response, sized);
    response.status = kContentTooLarge;
    return std::nullopt;
  }
  return **text;
}

struct ChatCall {
  AnswerRequest request;
  bool stream = false;
};

std::optional<ChatCall> ParseChat(const WorkspaceRow& workspace, const ServerLimits& limits,
                                  const httplib::Request& http, httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(http.body);
  if (!body.ok()) {
    SetJsonError(response, body.status());
    return std::nullopt;
  }
  std::optional<std::string> message = Question(*body, "message", limits, response);
  if (!message) return std::nullopt;
  ChatCall call;
  call.request.workspace = workspace;
  call.request.question = std::move(*message);
  StatusOr<std::optional<int64_t>> thread = OptionalId(*body, "thread");
  StatusOr<std::optional<std::string>> mode = OptionalString(*body, "mode");
  StatusOr<bool> stream = OptionalBool(*body, "stream", false);
  Status bad = !thread.ok() ? thread.status() : !mode.ok() ? mode.status() : stream.status();
  if (!bad.ok()) {
    SetJsonError(response, bad);
    return std::nullopt;
  }
  call.request.thread_id = *thread;
  call.request.max_answer_tokens = limits.max_generation_tokens;
  call.stream = *stream;
  if (*mode) {
    StatusOr<ChatMode> parsed = ParseChatMode(**mode);
    if (!parsed.ok()) {
      SetJsonError(response, InvalidArgumentError("\"mode\" must be \"chat\" or \"query\""));
      return std::nullopt;
    }
    call.request.mode = *parsed;
  }
  return call;
}

void RecordAnswer(Metrics* metrics, const AnswerResult& answer) {
  if (metrics == nullptr) return;
  const AnswerTrace& trace = answer.trace;
  const std::pair<const char*, double> stages[] = {
      {"query_embed", trace.query_embed_ms}, {"vector_search", trace.vector_search_ms},
      {"lexical_search", trace.lexical_search_ms}, {"rerank", trace.rerank_ms},
      {"queue", trace.queue_ms}, {"model_load", trace.model_load_ms},
      {"prefill", trace.prefill_ms}, {"decode", trace.decode_ms}, {"total", trace.total_ms}};
  for (const auto& [stage, ms] : stages) metrics->RecordRagStage(stage, ms / 1000.0);
  const TokenLedger& ledger = answer.ledger;
  const std::pair<const char*, int32_t> parts[] = {
      {"system_prompt", ledger.system_prompt}, {"pinned", ledger.pinned},
      {"retrieved", ledger.retrieved}, {"history", ledger.history},
      {"question", ledger.question}, {"reserved_for_answer", ledger.reserved_for_answer},
      {"prompt_total", ledger.prompt_total}};
  for (const auto& [part, tokens] : parts) metrics->RecordLedgerTokens(part, tokens);
}

// The stream: "sources" (with the ledger) first, "token" events, then
// "done" with the whole answer, or "error".
void StreamAnswer(AnswerService& answers, Metrics* metrics, PreparedAnswer& prepared,
                  const std::function<Status()>& recheck, std::stop_token shutdown,
                  httplib::DataSink& sink) {
  WriteSseEvent(sink, "sources", AnswerJson(prepared.preliminary(), /*complete=*/false));
  StreamRecheck still_allowed(recheck);
  StatusOr<AnswerResult> answer = answers.Complete(
      prepared,
      [&](const GeneratePiece& piece) {
        return still_allowed.Check().ok() && WriteSseEvent(sink, "token", {{"text", piece.text}});
      },
      shutdown);
  if (const Status allowed = still_allowed.Check(); !allowed.ok()) {
    WriteSseEvent(sink, "error", {{"error", allowed.message()}});
  } else if (answer.ok()) {
    RecordAnswer(metrics, *answer);
    WriteSseEvent(sink, "done", AnswerJson(*answer, /*complete=*/true));
  } else if (answer.status().code() != StatusCode::kCancelled || shutdown.stop_requested()) {
    WriteSseEvent(sink, "error", {{"error", answer.status().message()}});
  }
  sink.done();
}

void Chat(const ServerServices& services, const WorkspaceRow& workspace,
          const httplib::Request& http, httplib::Response& response,
          const RequestContext& context) {
  std::optional<ChatCall> call = ParseChat(workspace, services.limits, http, response);
  if (!call) return;
  call->request.user_id = context.principal().user_id;
  if (call->request.thread_id) {
    // The thread named in the body: the same decision as a thread in a path.
    StatusOr<ThreadRow> thread = services.threads->GetThread(workspace.id, *call->request.thread_id);
    if (!thread.ok()) return SetJsonError(response, thread.status());
    Status allowed = context.Authorize(Action::kChat, ThreadResource(*thread));
    if (!allowed.ok()) return SetJsonError(response, allowed);
  }
  StatusOr<std::unique_ptr<PreparedAnswer>> prepared =
      services.answers->Prepare(call->request, services.shutdown);
  if (!prepared.ok()) return SetJsonError(response, prepared.status());
  if (call->stream) {
    std::shared_ptr<PreparedAnswer> shared = std::move(*prepared);
    return response.set_chunked_content_provider(
        kSseContentType, [shared, answers = services.answers, metrics = services.metrics,
                          shutdown = services.shutdown,
                          recheck = context.Recheck()](size_t, httplib::DataSink& sink) {
          StreamAnswer(*answers, metrics, *shared, recheck, shutdown, sink);
          return true;
        });
  }
  StatusOr<AnswerResult> answer = services.answers->Complete(**prepared, {}, services.shutdown);
  if (!answer.ok()) return SetJsonError(response, answer.status());
  RecordAnswer(services.metrics, *answer);
  SetJson(response, AnswerJson(*answer, /*complete=*/true));
}

void Search(const ServerServices& services, const WorkspaceRow& workspace,
            const httplib::Request& http, httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(http.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  std::optional<std::string> query = Question(*body, "query", services.limits, response);
  if (!query) return;
  RetrievalRequest request{.workspace = workspace,
                           .query = *query,
                           .reranker = workspace.settings.reranker,
                           .top_k = static_cast<int>(workspace.settings.top_k)};
  auto top_k = body->find("top_k");
  if (top_k != body->end() && !top_k->is_null()) {
    if (!top_k->is_number_integer() || top_k->get<int64_t>() < 1 || top_k->get<int64_t>() > 100) {
      return SetJsonError(response, InvalidArgumentError("\"top_k\" must be an integer from 1 to 100"));
    }
    request.top_k = top_k->get<int>();
  }
  if (workspace.settings.similarity_threshold > 0) {
    request.similarity_threshold = workspace.settings.similarity_threshold;
  }
  const auto start = std::chrono::steady_clock::now();
  StatusOr<SearchResult> result = services.retriever->Search(request, services.shutdown);
  if (!result.ok()) return SetJsonError(response, result.status());
  const double total_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  SetJson(response, SearchJson(*result, total_ms));
}

void CreateThread(ThreadService& threads, const WorkspaceRow& workspace,
                  const httplib::Request& http, httplib::Response& response,
                  const RequestContext& context) {
  StatusOr<json> body = ParseJsonObject(http.body.empty() ? "{}" : http.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<std::optional<std::string>> title = OptionalString(*body, "title");
  if (!title.ok()) return SetJsonError(response, title.status());
  StatusOr<ThreadRow> thread = threads.CreateThread(workspace.id, title->value_or(""), context.principal().user_id);
  if (!thread.ok()) return SetJsonError(response, thread.status());
  response.status = 201;
  SetJson(response, ThreadJson(*thread));
}

// The export, streamed page by page so that a long history never sits in
// memory at once.
void Export(ThreadService& threads, const WorkspaceRow& workspace, const httplib::Request& http,
            httplib::Response& response, const RequestContext& context) {
  const std::string format = http.has_param("format") ? http.get_param_value("format") : "json";
  if (format != "json" && format != "csv") {
    return SetJsonError(response, InvalidArgumentError("\"format\" must be json or csv"));
  }
  const bool csv = format == "csv";
  response.set_header("Content-Disposition", "attachment; filename=\"" + workspace.slug +
                                                 "-chats." + format + "\"");
  const int64_t workspace_id = workspace.id;
  response.set_chunked_content_provider(
      csv ? "text/csv; charset=utf-8" : "application/json",
      [&threads, workspace_id, csv, slug = workspace.slug,
       principal = context.principal()](size_t, httplib::DataSink& sink) {
        // Threads are private: only the messages of threads the principal may read.
        std::map<int64_t, bool> readable;
        auto may_read = [&](int64_t thread_id) {
          auto known = readable.find(thread_id);
          if (known != readable.end()) return known->second;
          StatusOr<ThreadRow> thread = threads.GetThread(workspace_id, thread_id);
          const bool allowed = thread.ok() &&
                               Authorize(principal, Action::kRead, ThreadResource(*thread)).ok();
          readable[thread_id] = allowed;
          return allowed;
        };
        std::string head = csv ? CsvHeader()
                               : "{\"workspace\":" + json(slug).dump() + ",\"messages\":[";
        if (!sink.write(head.data(), head.size())) return false;
        int64_t after = 0;
        bool first = true;
        while (true) {
          StatusOr<std::vector<MessageRow>> page = threads.ExportPage(workspace_id, after, kExportPage);
          if (!page.ok() || page->empty()) break;
          std::string text;
          for (const MessageRow& message : *page) {
            after = message.id;
            if (!may_read(message.thread_id)) continue;
            if (csv) {
              text += CsvRow(message);
            } else {
              text += (first ? "" : ",") +
                      MessageJson(message).dump(-1, ' ', false, json::error_handler_t::replace);
              first = false;
            }
          }
          if (!sink.write(text.data(), text.size())) return false;
        }
        if (!csv) sink.write("]}", 2);
        sink.done();
        return true;
      });
}

// The route's workspace row (the route table has authorized the request for
// it), then `handler(workspace, request, response, context)`.
template <typename Handler>
auto WithWorkspace(const ServerServices& services, Handler handler) {
  return [workspaces = services.workspaces, handler](const httplib::Request& request,
                                                     httplib::Response& response,
                                                     const RequestContext& context) {
    if (auto workspace = PathWorkspace(*workspaces, request, response)) {
      handler(*workspace, request, response, context);
    }
  };
}

}  // namespace

void RegisterWorkspaceChatRoutes(RouteTable& routes, const ServerServices& services) {
  if (services.workspaces == nullptr || services.threads == nullptr ||
      services.answers == nullptr || services.retriever == nullptr) {
    return;
  }
  ThreadService& threads = *services.threads;
  routes.Post("/api/v1/workspaces/:slug/threads",
              WithWorkspace(services, [&threads](const WorkspaceRow& workspace,
                                                 const httplib::Request& request,
                                                 httplib::Response& response,
                                                 const RequestContext& context) {
                CreateThread(threads, workspace, request, response, context);
              }));
  routes.Get("/api/v1/workspaces/:slug/threads",
             WithWorkspace(services, [&threads](const WorkspaceRow& workspace,
                                                const httplib::Request&, httplib::Response& response,
                                                const RequestContext& context) {
               StatusOr<std::vector<ThreadRow>> rows = threads.ListThreads(workspace.id);
               if (!rows.ok()) return SetJsonError(response, rows.status());
               json list = json::array();
               for (const ThreadRow& row : *rows) {
                 // Threads are private: each shows only to whom may read it.
                 if (context.Allowed(Action::kRead, ThreadResource(row))) list.push_back(ThreadJson(row));
               }
               SetJson(response, json{{"threads", list}});
             }));
  routes.Get("/api/v1/workspaces/:slug/threads/:id/messages",
             WithWorkspace(services, [&threads](const WorkspaceRow& workspace,
                                                const httplib::Request& request,
                                                httplib::Response& response,
                                                const RequestContext&) {
               std::optional<int64_t> id = PathId(request, response);
               if (!id) return;
               StatusOr<ThreadRow> thread = threads.GetThread(workspace.id, *id);
               if (!thread.ok()) return SetJsonError(response, thread.status());
               StatusOr<std::vector<MessageRow>> rows = threads.ListMessages(workspace.id, *id);
               if (!rows.ok()) return SetJsonError(response, rows.status());
               json list = json::array();
               for (const MessageRow& row : *rows) list.push_back(MessageJson(row));
               SetJson(response, json{{"thread", ThreadJson(*thread)}, {"messages", list}});
             }));
  routes.Delete("/api/v1/workspaces/:slug/threads/:id",
                WithWorkspace(services, [&threads](const WorkspaceRow& workspace,
                                                   const httplib::Request& request,
                                                   httplib::Response& response,
                                                   const RequestContext&) {
                  std::optional<int64_t> id = PathId(request, response);
                  if (!id) return;
                  Status deleted = threads.DeleteThread(workspace.id, *id);
                  if (!deleted.ok()) return SetJsonError(response, deleted);
                  SetJson(response, json{{"deleted", *id}});
                }));
  routes.Post("/api/v1/workspaces/:slug/chat",
              WithWorkspace(services, [services](const WorkspaceRow& workspace,
                                                  const httplib::Request& request,
                                                  httplib::Response& response,
                                                  const RequestContext& context) {
                Chat(services, workspace, request, response, context);
              }));
  routes.Post("/api/v1/workspaces/:slug/search",
              WithWorkspace(services, [services](const WorkspaceRow& workspace,
                                                  const httplib::Request& request,
                                                  httplib::Response& response,
                                                  const RequestContext&) {
                Search(services, workspace, request, response);
              }));
  routes.Get("/api/v1/workspaces/:slug/export",
             WithWorkspace(services, [&threads](const WorkspaceRow& workspace,
                                                const httplib::Request& request,
                                                httplib::Response& response,
                                                const RequestContext& context) {
               Export(threads, workspace, request, response, context);
             }));
}

}  // namespace hearth::internal
