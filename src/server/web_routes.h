// The browser UI's routes: GET "/" answers the UI's index.html to a browser
// (an Accept header naming text/html) and Ollama's liveness sentence to
// everyone else (curl, clients, health checks); GET "/assets/(.+)" answers
// the files embedded at build time (web/web_assets.h), never the
// filesystem. Every answer carries nosniff, no-referrer and no-cache; HTML
// answers carry the UI's Content-Security-Policy (kWebContentSecurityPolicy).
// Internal to server/.
#ifndef HEARTH_SERVER_WEB_ROUTES_H_
#define HEARTH_SERVER_WEB_ROUTES_H_

#include "server/route_table.h"

namespace hearth::internal {

// No inline script or style, no eval, nothing from another origin; images
// from the page's origin or data: URLs only.
inline constexpr char kWebContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

// Adds "/" and "/assets/(.+)" to `routes`. Thread-safe handlers.
void RegisterWebRoutes(RouteTable& routes);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_WEB_ROUTES_H_
