// Routes that describe the server itself: the liveness text at "/" and the
// Ollama-compatible /api/version. Internal to server/.
#ifndef HEARTH_SERVER_SYSTEM_ROUTES_H_
#define HEARTH_SERVER_SYSTEM_ROUTES_H_

#include "httplib.h"

namespace hearth::internal {

// Adds the system routes to `server`. Thread-safe handlers, no state.
void RegisterSystemRoutes(httplib::Server& server);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_SYSTEM_ROUTES_H_
