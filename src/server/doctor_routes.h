// GET /api/v1/doctor: `hearth doctor`'s advice (models/doctor_report.h) for
// the web UI's first-run and System pages, with the server's own memory
// budget. Query parameters, all optional: model (an installed model) or
// params ("8B"), ctx (default 4096), embedder, reranker. With neither model
// nor params the answer covers each common size.
//
//   {"machine": {"total_bytes", "available_bytes"},
//    "budget_bytes", "context",
//    "companions": [{"role", "name", "bytes"}], "typical_embedder_assumed",
//    "advice": [{"model", "parameters", "recommended" (null: nothing fits),
//                "explanation", "suggested_pull" (overview only),
//                "rows": [{"type", "weights_bytes", "kv_cache_bytes",
//                          "compute_bytes", "overhead_bytes", "total_bytes",
//                          "with_companions_bytes", "fits", "has_headroom"}]}],
//    "largest_comfortable": "8B" or null}
//
// Errors: 400 for a bad query (both model and params, a bad size or ctx),
// 404 for a model that is not installed. Not registered without a model
// store and scheduler. Internal to server/.
#ifndef HEARTH_SERVER_DOCTOR_ROUTES_H_
#define HEARTH_SERVER_DOCTOR_ROUTES_H_

#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Adds GET /api/v1/doctor to `routes`; it borrows the services' model store
// and scheduler, which must outlive the server.
void RegisterDoctorRoutes(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_DOCTOR_ROUTES_H_
