// The Ollama API's model management routes, served from the model store:
//
//   POST   /api/show            what a model is (server/ollama_show_json.h)
//   POST   /api/create          from an installed model, or from a GGUF blob
//                               uploaded with POST /api/blobs/:digest
//   POST   /api/copy, DELETE /api/delete
//   POST   /api/pull            NDJSON progress (models/model_puller.h)
//   HEAD   /api/blobs/:digest   200 when the store holds the blob, else 404
//   POST   /api/blobs/:digest   streams the body into the blob store; the
//                               SHA-256 must match (400 otherwise, nothing
//                               kept); size-limited by --max-blob-size,
//                               not --max-request-size
//
// create and pull answer with NDJSON {"status": ...} lines unless "stream"
// is false. create does its work before answering, so its errors keep their
// HTTP status (400 bad request or GGUF, 404 missing base model or blob, 412
// "quantize", 500 file system) and leave the store unchanged; an existing
// model of that name is replaced, as Ollama does, never refused.
//
// Thread-safety: handlers are thread-safe; `services` must outlive `server`.
#ifndef HEARTH_SERVER_OLLAMA_ADMIN_ROUTES_H_
#define HEARTH_SERVER_OLLAMA_ADMIN_ROUTES_H_

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

void RegisterOllamaAdminRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_ADMIN_ROUTES_H_
