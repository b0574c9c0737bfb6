// The Ollama API's model routes, served from the model store and the
// scheduler: GET /api/tags, GET /api/ps, POST /api/generate (streamed NDJSON
// by default), POST /api/embed. Internal to server/.
//
// /api/generate renders `system` and the prompt (as the user's turn) with the
// model's chat template unless "raw" is true (or the model is remote: its
// provider formats); "format" ("json" or a JSON schema) becomes a grammar; a
// streamed request whose prompt cannot fit the loaded context is refused with
// 400 before the stream starts.
//
// Thread-safety: handlers are thread-safe; `services` must outlive `server`.
#ifndef HEARTH_SERVER_MODEL_ROUTES_H_
#define HEARTH_SERVER_MODEL_ROUTES_H_

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

void RegisterModelRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_MODEL_ROUTES_H_
