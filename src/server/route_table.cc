#include "server/route_table.h"

#include <memory>
#include <optional>
#include <utility>

#include "base/logging.h"
#include "server/http_status.h"
#include "server/openai_responses.h"
#include "server/request_authenticator.h"
#include "server/request_limits.h"
#include "server/resource_resolver.h"
#include "server/stream_recheck.h"

namespace hearth {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
// Seconds a client over its concurrency cap is asked to wait.
constexpr char kCapRetryAfterSeconds[] = "1";
// A 503 (the long-request cap) says what every 503 of the server says.
constexpr char kBusyRetryAfterSeconds[] = "2";

// A request carrying only the credential headers of another, for Recheck.
httplib::Request CredentialsOnly(const std::string& method, const std::string& authorization,
                                 const std::string& cookie, const std::string& csrf) {
  httplib::Request request;
  request.method = method;
  if (!authorization.empty()) request.set_header("Authorization", authorization);
  if (!cookie.empty()) request.set_header("Cookie", cookie);
  if (!csrf.empty()) request.set_header(kCsrfHeader, csrf);
  return request;
}

std::string JoinedHeader(const httplib::Request& request, const char* name) {
  std::string joined;
  const size_t count = request.get_header_value_count(name);
  for (size_t i = 0; i < count; ++i) {
    if (!joined.empty()) joined += "; ";
    joined += request.get_header_value(name, "", i);
  }
  return joined;
}

// Makes a streamed response's writes re-check access (StreamRecheck) and
// fail once it was revoked.
void GuardStream(httplib::Response& response, std::function<Status()> recheck) {
  if (!response.content_provider_) return;
  auto check = std::make_shared<internal::StreamRecheck>(std::move(recheck));
  response.content_provider_ = [inner = std::move(response.content_provider_), check](
                                   size_t offset, size_t length, httplib::DataSink& sink) {
    httplib::DataSink guarded;
    guarded.write = [&sink, check](const char* data, size_t size) {
      return check->Check().ok() && sink.write(data, size);
    };
    guarded.is_writable = [&sink, check] { return check->Check().ok() && sink.is_writable(); };
    guarded.done = [&sink] { sink.done(); };
    guarded.done_with_trailer = [&sink](const httplib::Headers& trailer) {
      sink.done_with_trailer(trailer);
    };
    return inner(offset, length, guarded);
  };
}

// Keeps `slot` until the response is finished: a streamed response holds
// it until httplib releases its content provider, after the last chunk.
void HoldUntilFinished(httplib::Response& response, ConcurrencyLimiter::Slot slot) {
  if (!response.content_provider_) return;  // released when the handler returns
  auto held = std::make_shared<ConcurrencyLimiter::Slot>(std::move(slot));
  response.content_provider_resource_releaser_ =
      [inner = std::move(response.content_provider_resource_releaser_), held](bool success) {
        if (inner) inner(success);
      };
}

}  // namespace

void SetLimitError(const httplib::Request& request, httplib::Response& response,
                   const Status& status, int http_status) {
  SetApiError(request, response, status);
  response.status = http_status;
  if (request.path == "/v1" || request.path.starts_with("/v1/")) {
    nlohmann::json body = internal::OpenAiErrorJson(status);
    body["error"]["type"] = "invalid_request_error";
    response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kJson);
  }
}

void SetApiError(const httplib::Request& request, httplib::Response& response,
                 const Status& status) {
  if (request.path == "/v1" || request.path.starts_with("/v1/")) {
    return internal::SetOpenAiError(response, status);
  }
  response.status = HttpStatusFor(status);
  response.set_content(ErrorBody(status), kJson);
}

RequestContext::RequestContext(Principal principal, Resource resource, const RouteSpec& spec,
                               RequestAuthenticator* authenticator,
                               const httplib::Request& request)
    : principal_(std::move(principal)),
      resource_(resource),
      spec_(spec),
      authenticator_(authenticator),
      authorization_(request.get_header_value("Authorization")),
      cookie_(JoinedHeader(request, "Cookie")),
      csrf_(request.get_header_value(kCsrfHeader)),
      method_(request.method) {}

Status RequestContext::Authorize(Action action, const Resource& resource) const {
  return hearth::Authorize(principal_, action, resource);
}

std::function<Status()> RequestContext::Recheck() const {
  recheck_taken_ = true;
  if (authenticator_ == nullptr || spec_.lookup == ResourceLookup::kPublic) {
    return [] { return OkStatus(); };
  }
  return [authenticator = authenticator_, request = CredentialsOnly(method_, authorization_,
                                                                    cookie_, csrf_),
          action = spec_.action, resource = resource_]() -> Status {
    StatusOr<Principal> principal = authenticator->Authenticate(request);
    if (!principal.ok()) return principal.status();
    return hearth::Authorize(*principal, action, resource);
  };
}

RouteTable::RouteTable(httplib::Server& server, RequestAuthenticator& authenticator,
                       ResourceResolver& resolver, const ServerLimits& limits)
    : server_(server),
      authenticator_(authenticator),
      resolver_(resolver),
      limits_(limits),
      limiter_({.per_user = limits.max_requests_per_user,
                .per_key = limits.max_requests_per_key,
                .long_requests = limits.long_request_cap(),
                .long_requests_source = "--http-threads " + std::to_string(limits.worker_threads) +
                                        " minus --http-quick-threads " +
                                        std::to_string(limits.quick_threads)}) {}

std::optional<ConcurrencyLimiter::Slot> RouteTable::Limit(const RequestContext& context,
                                                         const httplib::Request& request,
                                                         httplib::Response& response,
                                                         bool body_read) {
  if (body_read && !request.body.empty() && !request.is_multipart_form_data()) {
    if (Status depth = internal::CheckJsonDepth(request.body, limits_); !depth.ok()) {
      SetLimitError(request, response, depth, internal::kBadRequest);
      return std::nullopt;
    }
  }
  StatusOr<ConcurrencyLimiter::Slot> slot = limiter_.Acquire(context.principal(), context.lane());
  if (!slot.ok()) {
    SetApiError(request, response, slot.status());
    const bool busy = slot.status().code() == StatusCode::kUnavailable;
    response.set_header("Retry-After", busy ? kBusyRetryAfterSeconds : kCapRetryAfterSeconds);
    return std::nullopt;
  }
  return std::move(*slot);
}

const RouteSpec* RouteTable::Spec(std::string_view method, const std::string& pattern) {
  const RouteSpec* spec = FindRouteSpec(method, pattern);
  if (spec == nullptr) unlisted_.push_back(std::string(method) + " " + pattern);
  return spec;
}

std::optional<RequestContext> RouteTable::Admit(const RouteSpec& spec,
                                                const httplib::Request& request,
                                                httplib::Response& response) {
  if (spec.lookup == ResourceLookup::kPublic) {
    return RequestContext(Principal{}, Resource{}, spec, nullptr, request);
  }
  StatusOr<Principal> principal = authenticator_.Authenticate(request);
  if (!principal.ok()) {
    SetApiError(request, response, principal.status());
    return std::nullopt;
  }
  // An anonymous caller learns nothing about what exists.
  if (principal->kind == Principal::Kind::kAnonymous) {
    SetApiError(request, response, Authorize(*principal, spec.action, Resource{}));
    return std::nullopt;
  }
  StatusOr<Resource> resource = resolver_.Resolve(spec.lookup, request);
  if (!resource.ok()) {
    SetApiError(request, response, resource.status());
    return std::nullopt;
  }
  if (spec.lookup == ResourceLookup::kSelf) resource->owner_user_id = principal->user_id;
  Status allowed = Authorize(*principal, spec.action, *resource);
  if (!allowed.ok()) {
    SetApiError(request, response, allowed);
    return std::nullopt;
  }
  if (request.has_header(kAuthorizeOnlyHeader)) {
    response.status = 204;  // allowed; the route does not run
    return std::nullopt;
  }
  return RequestContext(std::move(*principal), *resource, spec, &authenticator_, request);
}

void RouteTable::Add(std::string_view method, const std::string& pattern, Handler handler) {
  const RouteSpec* spec = Spec(method, pattern);
  if (spec == nullptr) return;
  auto wrapped = [this, spec, handler = std::move(handler)](const httplib::Request& request,
                                                            httplib::Response& response) {
    std::optional<RequestContext> context = Admit(*spec, request, response);
    if (!context.has_value()) return;
    std::optional<ConcurrencyLimiter::Slot> slot = Limit(*context, request, response, true);
    if (!slot.has_value()) return;
    handler(request, response, *context);
    if (!context->recheck_taken()) GuardStream(response, context->Recheck());
    HoldUntilFinished(response, std::move(*slot));
  };
  if (method == "GET") {
    server_.Get(pattern, std::move(wrapped));
  } else if (method == "POST") {
    server_.Post(pattern, std::move(wrapped));
  } else if (method == "PATCH") {
    server_.Patch(pattern, std::move(wrapped));
  } else if (method == "DELETE") {
    server_.Delete(pattern, std::move(wrapped));
  } else {
    unlisted_.push_back(std::string(method) + " " + pattern + " (method not supported)");
  }
}

namespace {
RouteTable::Handler IgnoreContext(RouteTable::PlainHandler handler) {
  return [handler = std::move(handler)](const httplib::Request& request,
                                        httplib::Response& response,
                                        const RequestContext&) { handler(request, response); };
}
}  // namespace

void RouteTable::Get(const std::string& pattern, PlainHandler handler) {
  Add("GET", pattern, IgnoreContext(std::move(handler)));
}
void RouteTable::Post(const std::string& pattern, PlainHandler handler) {
  Add("POST", pattern, IgnoreContext(std::move(handler)));
}
void RouteTable::Patch(const std::string& pattern, PlainHandler handler) {
  Add("PATCH", pattern, IgnoreContext(std::move(handler)));
}
void RouteTable::Delete(const std::string& pattern, PlainHandler handler) {
  Add("DELETE", pattern, IgnoreContext(std::move(handler)));
}

void RouteTable::PostWithReader(const std::string& pattern, ReaderHandler handler) {
  const RouteSpec* spec = Spec("POST", pattern);
  if (spec == nullptr) return;
  server_.Post(pattern, [this, spec, handler = std::move(handler)](
                            const httplib::Request& request, httplib::Response& response,
                            const httplib::ContentReader& reader) {
    std::optional<RequestContext> context = Admit(*spec, request, response);
    if (!context.has_value()) return;
    // The body has not been read: the handler reads it as it arrives.
    std::optional<ConcurrencyLimiter::Slot> slot = Limit(*context, request, response, false);
    if (!slot.has_value()) return;
    handler(request, response, reader);
    if (!context->recheck_taken()) GuardStream(response, context->Recheck());
    HoldUntilFinished(response, std::move(*slot));
  });
}

}  // namespace hearth
