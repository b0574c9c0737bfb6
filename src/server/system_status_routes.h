// GET /api/v1/system: the server's state as the web UI's Models and System
// pages show it, in one JSON object:
//
//   {"version": "0.1.0",
//    "memory": {"budget_bytes", "used_bytes",
//               "machine_total_bytes", "machine_available_bytes",   (when /proc/meminfo reads)
//               "models": [{"name", "bytes", "measured", "context", "slots",
//                           "pinned", "active_requests", "loaded_at",
//                           "expires_at" (null while serving, pinned or forever),
//                           "load_reason"}]},
//    "events": [{"at", "model", "kind", "reason", "duration_ms", "bytes"}],  (oldest first)
//    "metrics": {"loaded_models", "active_requests", "loads", "unloads",
//                "load_failures", "crashes"}}                  (over the events kept)
//
// Everything comes from the Scheduler (models/scheduler.h); nothing is
// parsed from /metrics. Not registered when the server has no scheduler.
// Internal to server/.
#ifndef HEARTH_SERVER_SYSTEM_STATUS_ROUTES_H_
#define HEARTH_SERVER_SYSTEM_STATUS_ROUTES_H_

#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Adds GET /api/v1/system to `routes`. The handler is thread-safe and
// borrows `services.scheduler`, which must outlive the server.
void RegisterSystemStatusRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_SYSTEM_STATUS_ROUTES_H_
