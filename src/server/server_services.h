// What the HTTP routes serve: the layers below the server, owned by
// `hearth serve` and borrowed by the routes for the server's lifetime.
//
// Thread-safety: every service is thread-safe itself.
#ifndef HEARTH_SERVER_SERVER_SERVICES_H_
#define HEARTH_SERVER_SERVER_SERVICES_H_

#include <stop_token>

#include "server/server_limits.h"

namespace hearth {

class AccountService;
class AnswerService;
class ChatFormatterCache;
class IngestionService;
class Metrics;
class Retriever;
class ThreadService;
class ModelStore;
class Scheduler;
class WorkspaceService;
struct PullOptions;

struct ServerServices {
  // Installed models (/api/tags). Null: the model routes are not served.
  ModelStore* models = nullptr;
  // Loaded models (/api/ps, /api/generate, /api/embed). Null as above.
  Scheduler* scheduler = nullptr;
  // Chat templates per model (/api/chat, /v1/chat/completions).
  ChatFormatterCache* formatters = nullptr;
  // Counters for GET /metrics; null: /metrics is not served.
  Metrics* metrics = nullptr;
  // Registry settings for /api/pull (--registry-url, --hf-endpoint,
  // --insecure). Null: PullOptions' defaults.
  const PullOptions* pull = nullptr;
  // Workspaces, documents and ingestion (/api/v1/...). Null: not served.
  WorkspaceService* workspaces = nullptr;
  IngestionService* ingestion = nullptr;
  // Threads, answers and search in workspaces (/api/v1/workspaces/{slug}/
  // threads, chat, search, export). Null: not served.
  ThreadService* threads = nullptr;
  AnswerService* answers = nullptr;
  Retriever* retriever = nullptr;
  // Users, sessions and API keys. Null: single-user mode, always (every
  // request is the local owner's).
  AccountService* accounts = nullptr;
  // Requested when a shutdown's grace period (--shutdown-timeout) has run
  // out. Routes pass it to long-running work (Generate, Embed) so that work
  // ends and the server can exit. Set by HttpServer::Bind; callers leave it
  // empty.
  std::stop_token shutdown;
  // What a request may ask (server_limits.h). Set by HttpServer::Bind from
  // ServerOptions::limits; callers leave it as it is.
  ServerLimits limits;
};

}  // namespace hearth

#endif  // HEARTH_SERVER_SERVER_SERVICES_H_
