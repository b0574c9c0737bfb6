// The Ollama API's model routes, served from the model store and the
// scheduler: GET /api/tags, GET /api/ps, POST /api/generate (streamed NDJSON
// by default), POST /api/embed. Internal to server/.
//
// /api/generate passes the prompt to the model as given (with `system`
// before it); chat templates and the rest of the Ollama and OpenAI surface
// come with issue 4.
//
// Thread-safety: handlers are thread-safe; `services` must outlive `server`.
#ifndef HEARTH_SERVER_MODEL_ROUTES_H_
#define HEARTH_SERVER_MODEL_ROUTES_H_

#include "httplib.h"
#include "server/server_services.h"

namespace hearth::internal {

void RegisterModelRoutes(httplib::Server& server, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_MODEL_ROUTES_H_
