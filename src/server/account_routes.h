// The /api/v1 routes of people: sign-in (login, logout, me), users, API keys,
// workspace members and the audit log. Served only when the server has an
// AccountService. Internal to server/.
//
//   POST /api/v1/auth/login {"name","password"} → {"user","csrf_token","expires_at"}
//        and the cookies hearth_session (HttpOnly, SameSite=Strict) and
//        hearth_csrf (readable by the page, SameSite=Strict)
//   POST /api/v1/auth/logout; GET /api/v1/auth/me
//   GET/POST /api/v1/users; GET/PATCH/DELETE /api/v1/users/{id}
//        (PATCH: "role", "suspended"); POST /api/v1/users/{id}/password
//        {"password", "current_password" (when changing one's own)}
//   GET/POST /api/v1/keys (POST: "name", "actions", "workspaces"?, "user_id"?,
//        "expires_at"?; the answer's "key" is shown once); DELETE /api/v1/keys/{id}
//   GET/POST /api/v1/workspaces/{slug}/members; DELETE .../members/{user id}
//   GET /api/v1/audit?limit=&before=
#ifndef HEARTH_SERVER_ACCOUNT_ROUTES_H_
#define HEARTH_SERVER_ACCOUNT_ROUTES_H_

#include "server/request_authenticator.h"
#include "server/route_table.h"
#include "server/server_services.h"

namespace hearth::internal {

void RegisterAccountRoutes(RouteTable& routes, const ServerServices& services,
                           RequestAuthenticator& authenticator);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_ACCOUNT_ROUTES_H_
