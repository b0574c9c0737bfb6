// POST /api/v1/models/pin {"model": NAME, "pinned": true|false}: keeps an
// installed model loaded until it is unpinned (the scheduler never evicts or
// times out a pinned model), or lets it go back to its keep-alive — what
// `hearth serve --pin NAME` does at start, for the web UI's Models page.
//
// Answers {"model": "name:tag", "pinned": bool}. Pinning loads the model
// now. Errors: 400 for a bad body, 404 for a model that is not installed,
// 429 (ResourceExhausted, as on the generation routes) when it does not fit
// the budget beside what is pinned or busy, with the numbers in the message,
// and the loader's errors; unpinning a model that is not pinned is not one.
// Internal to server/.
#ifndef HEARTH_SERVER_MODEL_PIN_ROUTE_H_
#define HEARTH_SERVER_MODEL_PIN_ROUTE_H_

#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

// Adds the route; it borrows `services.scheduler`, which must outlive the
// server. Not registered without a scheduler.
void RegisterModelPinRoute(RouteTable& routes, const ServerServices& services);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_MODEL_PIN_ROUTE_H_
