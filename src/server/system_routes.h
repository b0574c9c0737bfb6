// Routes that describe the server itself: the Ollama-compatible
// /api/version, GET /health, and GET /metrics (Prometheus text,
// server/metrics.h). "/" is in web_routes.h. Internal to server/.
#ifndef HEARTH_SERVER_SYSTEM_ROUTES_H_
#define HEARTH_SERVER_SYSTEM_ROUTES_H_

#include "httplib.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Adds the system routes to `server`. Thread-safe handlers; `services` is copied.
void RegisterSystemRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_SYSTEM_ROUTES_H_
