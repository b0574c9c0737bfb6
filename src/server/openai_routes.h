// The OpenAI-compatible API under /v1, served from the model store, the
// scheduler and the chat formatters: GET /v1/models, GET /v1/models/{id},
// POST /v1/completions, POST /v1/chat/completions (both streamed as SSE when
// `stream` is true, ending with "data: [DONE]"), POST /v1/embeddings and
// POST /v1/rerank (the Jina/Cohere shape). Errors use OpenAI's shape
// ({"error":{"message","type","param","code"}}). Internal to server/.
//
// A prompt longer than the model's context is refused (400, naming both
// numbers), never truncated; so is an embedding input longer than the model
// takes at once.
//
// Thread-safety: handlers are thread-safe; `services` must outlive `server`.
#ifndef HEARTH_SERVER_OPENAI_ROUTES_H_
#define HEARTH_SERVER_OPENAI_ROUTES_H_

#include <memory>

#include "httplib.h"
#include "server/route_table.h"
#include "models/scheduler.h"
#include "server/server_services.h"

namespace hearth::internal {

void RegisterOpenAiRoutes(RouteTable& routes, const ServerServices& services);

// POST /v1/chat/completions (openai_chat_route.cc); needs services.formatters.
void RegisterOpenAiChatRoute(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OPENAI_ROUTES_H_
