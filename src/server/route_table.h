// RouteTable: how every HTTP route is registered, so that none can skip
// authentication and authorization. Each route's spec (route_specs.h) says
// what it does and on what; the wrapper the table installs, before the
// handler runs:
//   1. authenticates (RequestAuthenticator; public routes skip 1-3),
//   2. finds the resource from the path (ResourceResolver),
//   3. asks Authorize(principal, spec.action, resource) (auth/access.h),
// and answers the error in the path's API shape (Ollama, OpenAI, /api/v1)
// when any step fails. Then, before the handler runs:
//   4. a body that is not multipart must nest JSON at most
//      --max-json-depth deep (400),
//   5. the principal takes a slot of its per-user and per-key concurrency
//      caps (ConcurrencyLimiter; 429 with Retry-After when none is free),
//      and a long route (RouteLane::kLong) one of the server's long-request
//      slots (503 with Retry-After when none is free), held until the
//      response is finished, streams included.
// The handler gets a RequestContext with the principal,
// for what else it touches (a thread named in a body, the rows of a list)
// and for re-checks on open streams.
//
// A request with the header "X-Hearth-Authorize-Only" stops after step 3:
// 204 when it would be allowed, the error otherwise; nothing runs. It tells
// a page which actions to offer, and lets the authorization-matrix test
// check every route without side effects. It reveals nothing the request
// itself would not.
//
// Registering a route with no spec is recorded (unlisted()); HttpServer::Bind
// refuses to start then.
//
// Thread-safety: register before serving; the wrappers are thread-safe.
#ifndef HEARTH_SERVER_ROUTE_TABLE_H_
#define HEARTH_SERVER_ROUTE_TABLE_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access.h"
#include "base/status.h"
#include "httplib.h"
#include "server/concurrency_limiter.h"
#include "server/route_specs.h"
#include "server/server_limits.h"

namespace hearth {

inline constexpr char kAuthorizeOnlyHeader[] = "X-Hearth-Authorize-Only";

class RequestAuthenticator;
class ResourceResolver;

// What the wrapper established for one request.
class RequestContext {
 public:
  RequestContext(Principal principal, Resource resource, const RouteSpec& spec,
                 RequestAuthenticator* authenticator, const httplib::Request& request);

  const Principal& principal() const { return principal_; }
  const Resource& resource() const { return resource_; }
  RouteLane lane() const { return spec_.lane; }

  // The one authorization decision, for something else this request
  // touches.
  Status Authorize(Action action, const Resource& resource) const;
  bool Allowed(Action action, const Resource& resource) const {
    return Authorize(action, resource).ok();
  }

  // Authenticates the request's credential again and re-authorizes the
  // route's action: an open stream calls it between chunks, so that a
  // revoked session or key, a suspension or a demotion stops it at once.
  // Cheap enough to call every few hundred milliseconds. Copies what it
  // needs: callable after the handler returned (chunked providers).
  //
  // A stream whose route never asked for Recheck() gets it anyway: the
  // table guards its sink, whose writes fail once access is revoked (the
  // stream ends as if the client had left). Routes that ask end their
  // streams with an error event of their own.
  std::function<Status()> Recheck() const;
  bool recheck_taken() const { return recheck_taken_; }

 private:
  Principal principal_;
  Resource resource_;
  const RouteSpec& spec_;
  RequestAuthenticator* authenticator_;
  // The credential headers, for Recheck.
  std::string authorization_;
  std::string cookie_;
  std::string csrf_;
  std::string method_;
  mutable bool recheck_taken_ = false;
};

class RouteTable {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&,
                                     const RequestContext&)>;
  using PlainHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using ReaderHandler = std::function<void(const httplib::Request&, httplib::Response&,
                                           const httplib::ContentReader&)>;

  // All borrowed; they must outlive the server. `limits` gives the JSON
  // depth and the concurrency caps.
  RouteTable(httplib::Server& server, RequestAuthenticator& authenticator,
             ResourceResolver& resolver, const ServerLimits& limits = {});

  void Get(const std::string& pattern, Handler handler) { Add("GET", pattern, std::move(handler)); }
  void Post(const std::string& pattern, Handler handler) { Add("POST", pattern, std::move(handler)); }
  void Patch(const std::string& pattern, Handler handler) { Add("PATCH", pattern, std::move(handler)); }
  void Delete(const std::string& pattern, Handler handler) { Add("DELETE", pattern, std::move(handler)); }
  // For handlers that need nothing of the context (the route is still
  // authorized).
  void Get(const std::string& pattern, PlainHandler handler);
  void Post(const std::string& pattern, PlainHandler handler);
  void Patch(const std::string& pattern, PlainHandler handler);
  void Delete(const std::string& pattern, PlainHandler handler);
  // A POST whose handler reads the body as it arrives.
  void PostWithReader(const std::string& pattern, ReaderHandler handler);

  void Add(std::string_view method, const std::string& pattern, Handler handler);

  // "METHOD pattern" of each route registered without a spec.
  const std::vector<std::string>& unlisted() const { return unlisted_; }

 private:
  // Steps 1-3; the context, or nullopt with the error set on `response`.
  std::optional<RequestContext> Admit(const RouteSpec& spec, const httplib::Request& request,
                                      httplib::Response& response);
  const RouteSpec* Spec(std::string_view method, const std::string& pattern);
  // Steps 4-5; the slot, or nullopt with the error set on `response`.
  std::optional<ConcurrencyLimiter::Slot> Limit(const RequestContext& context,
                                                const httplib::Request& request,
                                                httplib::Response& response, bool body_read);

  httplib::Server& server_;
  RequestAuthenticator& authenticator_;
  ResourceResolver& resolver_;
  const ServerLimits limits_;
  ConcurrencyLimiter limiter_;
  std::vector<std::string> unlisted_;
};

// The error in the shape of the API `request`'s path belongs to: OpenAI's
// {"error": {"message", "type"}} under /v1, {"error": "..."} elsewhere.
void SetApiError(const httplib::Request& request, httplib::Response& response,
                 const Status& status);

// The same with another HTTP status than `status`'s own: a limit answered
// 400, 413 or 431 (request_limits.h). Under /v1 its type is
// "invalid_request_error".
void SetLimitError(const httplib::Request& request, httplib::Response& response,
                   const Status& status, int http_status);

}  // namespace hearth

#endif  // HEARTH_SERVER_ROUTE_TABLE_H_
