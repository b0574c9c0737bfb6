// RequestAuthenticator: who a request comes from. The one place that reads
// credentials; RouteTable calls it for every route that is not public.
//
//   - Cookie "hearth_session" (set by POST /api/v1/auth/login, HttpOnly,
//     SameSite=Strict): a session of AccountService. A request that changes
//     something (any method but GET and HEAD) must also carry the session's
//     CSRF token in the X-CSRF-Token header (the login response and the
//     readable cookie "hearth_csrf" hold it).
//   - "Authorization: Bearer hearth_sk_...": an API key.
//   - Neither: in single-user mode (no user exists) the local owner, who may
//     do everything; in multi-user mode anonymous, who may do nothing.
//
// In single-user mode credentials are ignored (there are no users, so none
// could be valid; OpenAI clients always send some key).
//
// Errors (multi-user mode): Unauthenticated for a credential that is
// unknown, expired, revoked or belongs to a suspended user;
// PermissionDenied for a cookie mutation without the right CSRF token.
//
// Thread-safety: thread-safe.
#ifndef HEARTH_SERVER_REQUEST_AUTHENTICATOR_H_
#define HEARTH_SERVER_REQUEST_AUTHENTICATOR_H_

#include <atomic>
#include <string>

#include "auth/access.h"
#include "base/status.h"
#include "httplib.h"

namespace hearth {

class AccountService;

inline constexpr char kSessionCookie[] = "hearth_session";
inline constexpr char kCsrfCookie[] = "hearth_csrf";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

class RequestAuthenticator {
 public:
  // `accounts` may be null: single-user mode always (tests of routes alone).
  explicit RequestAuthenticator(AccountService* accounts);

  StatusOr<Principal> Authenticate(const httplib::Request& request);

  // True once a user exists (the answer is remembered once true: there is
  // no going back to single-user mode while users exist).
  bool MultiUser();

  // The session cookie's id, when the request has a valid one (logout).
  StatusOr<int64_t> SessionId(const httplib::Request& request);

 private:
  AccountService* const accounts_;
  std::atomic<bool> multi_user_{false};
};

// The value of cookie `name` in `request`'s Cookie headers, or "".
std::string RequestCookie(const httplib::Request& request, std::string_view name);

}  // namespace hearth

#endif  // HEARTH_SERVER_REQUEST_AUTHENTICATOR_H_
