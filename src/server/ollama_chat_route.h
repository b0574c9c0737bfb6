// POST /api/chat, Ollama's chat endpoint: the messages are formatted with the
// model's chat template (models/chat_formatter.h), generated (streamed as
// NDJSON by default), and the reply parsed back into content and tool calls.
// `format` ("json" or a JSON schema) is enforced by a grammar; images for a
// text-only model are refused. Internal to server/.
//
// Thread-safety: the handler is thread-safe; `services` is copied.
#ifndef HEARTH_SERVER_OLLAMA_CHAT_ROUTE_H_
#define HEARTH_SERVER_OLLAMA_CHAT_ROUTE_H_

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Registers /api/chat when the scheduler and the formatter cache are present.
void RegisterOllamaChatRoute(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_CHAT_ROUTE_H_
