#include "server/http_server.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stop_token>
#include <string>

#include "base/logging.h"
#include "base/request_id.h"
#include "base/value_parsers.h"
#include "httplib.h"
#include "server/http_status.h"
#include "server/account_routes.h"
#include "server/job_routes.h"
#include "server/load_shedding_queue.h"
#include "server/metrics.h"
#include "server/model_routes.h"
#include "server/ollama_chat_route.h"
#include "server/ollama_admin_routes.h"
#include "server/openai_routes.h"
#include "server/request_limits.h"
#include "server/request_authenticator.h"
#include "server/resource_resolver.h"
#include "server/route_table.h"
#include "server/system_routes.h"
#include "server/doctor_routes.h"
#include "server/model_pin_route.h"
#include "server/system_status_routes.h"
#include "server/web_routes.h"
#include "server/workspace_chat_routes.h"
#include "server/workspace_routes.h"

namespace hearth {
namespace {

constexpr char kRequestIdHeader[] = "X-Request-Id";
// Seconds a client is asked to wait after a 503 (overloaded, or a model's
// runner restarting).
constexpr char kRetryAfterSeconds[] = "2";

// Errors raised before a route runs answer in the shape of the API the path
// belongs to.
void SetError(const httplib::Request& request, httplib::Response& response, const Status& status) {
  SetApiError(request, response, status);
}

std::string JoinRoutes(const std::vector<std::string>& routes) {
  std::string joined;
  for (const std::string& route : routes) joined += (joined.empty() ? "" : ", ") + route;
  return joined;
}

// POST /api/blobs/:digest streams its body to disk and has its own limit.
bool IsBlobUpload(const httplib::Request& request) {
  return request.method == "POST" && request.path.starts_with("/api/blobs/");
}

internal::BodyLimit BodyLimitOf(const httplib::Request& request, const ServerLimits& limits) {
  return internal::BodyLimitFor(IsBlobUpload(request), request.is_multipart_form_data(), limits);
}

// 413 naming the limit and its flag.
void SetTooLarge(const httplib::Request& request, httplib::Response& response,
                 const ServerLimits& limits) {
  SetLimitError(request, response, internal::BodyTooLarge(BodyLimitOf(request, limits)),
                internal::kContentTooLarge);
}

// The request line and headers as they came, near enough: "name: value\r\n"
// per header.
uint64_t HeaderBytes(const httplib::Request& request) {
  uint64_t bytes = request.method.size() + request.target.size() + request.version.size() + 4;
  for (const auto& [name, value] : request.headers) bytes += name.size() + value.size() + 4;
  return bytes;
}

void ConfigureLimits(httplib::Server& server, const ServerLimits& limits, Metrics* metrics) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limits.io_timeout);
  server.set_read_timeout(seconds.count());
  server.set_write_timeout(seconds.count());
  // httplib has one limit for every route, the larger (validated: the blob
  // limit); the request gate below holds the other routes to
  // --max-request-size and --max-json-size.
  server.set_payload_max_length(limits.max_blob_bytes);
  const auto workers = static_cast<size_t>(limits.worker_threads);
  const auto queue = static_cast<size_t>(limits.max_queued_requests);
  // httplib takes ownership of the queue it is handed.
  server.new_task_queue = [workers, queue, metrics] {
    return new LoadSheddingQueue(workers, queue, metrics);
  };
}

// Runs before routing, so that every response, errors included, carries a
// request id; headers over --max-header-size are refused (431), and an
// oversized body is refused from its declared length before any route reads
// it (413; request_limits.h's BodyLimitFor says which limit applies;
// httplib's own limit, the blob limit, cuts off a chunked blob upload; other
// routes refuse chunked bodies).
// When the request this worker thread serves began (pre-routing and the
// logger run on the same thread, before and after the handler).
thread_local std::chrono::steady_clock::time_point request_start;

void ConfigureRequestGate(httplib::Server& server, const ServerLimits& limits, Metrics* metrics) {
  server.set_pre_routing_handler([limits, metrics](const httplib::Request& request,
                                                   httplib::Response& response) {
    request_start = std::chrono::steady_clock::now();
    if (metrics != nullptr) metrics->RequestStarted();
    response.set_header(kRequestIdHeader, NewRequestId());
    if (LoadSheddingQueue::IsSheddingThisRequest()) {
      if (metrics != nullptr) metrics->RequestShed();
      SetError(request, response,
               UnavailableError("the server is busy: all " + std::to_string(limits.worker_threads) +
                                " HTTP workers (--http-threads) are serving requests and " +
                                std::to_string(limits.max_queued_requests) +
                                " more wait (--http-queue); retry shortly"));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (Status headers = internal::CheckHeaderSize(HeaderBytes(request), limits); !headers.ok()) {
      SetLimitError(request, response, headers, internal::kHeaderFieldsTooLarge);
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool blob = IsBlobUpload(request);
    if (request.get_header_value_u64("Content-Length") > BodyLimitOf(request, limits).bytes) {
      SetTooLarge(request, response, limits);
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib would cut a chunked body off only at the blob limit, and the
    // other routes hold their bodies in memory: they need a length.
    if (!blob && !request.has_header("Content-Length") &&
        request.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos) {
      SetError(request, response,
               InvalidArgumentError("send the request body with a Content-Length: chunked "
                                    "bodies are taken only by POST /api/blobs"));
      response.status = 411;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Every 503 says when to come back.
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 503 && !response.has_header("Retry-After")) {
      response.set_header("Retry-After", kRetryAfterSeconds);
    }
  });
  server.set_logger([metrics](const httplib::Request& request, const httplib::Response& response) {
    ScopedRequestId id(response.get_header_value(kRequestIdHeader));
    HEARTH_LOG(INFO) << request.method << " " << request.path << " " << response.status;
    if (metrics == nullptr) return;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - request_start;
    metrics->RequestFinished(request.matched_route, request.method, response.status, took.count());
  });
}

void ConfigureErrors(httplib::Server& server, const ServerLimits& limits) {
  server.set_error_handler([limits](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;  // a route already explained the error
    if (response.status == 404) {
      SetError(request, response,
               NotFoundError("no route for " + request.method + " " + request.path));
    } else if (response.status == 413) {
      // A chunked body cut off by httplib (a declared length is refused above).
      SetTooLarge(request, response, limits);
    } else if (response.status == 414) {
      SetError(request, response,
               InvalidArgumentError("request target too long: the limit is 8 KiB"));
      response.status = 414;
    } else if (response.status == 400) {
      // httplib refused the request before routing: a malformed request line
      // or header, a header line over 8 KiB, more than 100 headers, or more
      // than 1024 multipart parts.
      SetError(request, response,
               InvalidArgumentError("malformed request: check the request line and headers "
                                    "(each header line at most 8 KiB, at most 100 headers) and "
                                    "the body's framing"));
    }
  });
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        HEARTH_LOG(ERROR) << request.method << " " << request.path << " threw: " << what;
        SetError(request, response, InternalError("internal error; see the server log"));
      });
}

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerServices& services, const ServerLimits& limits)
      : authenticator(services.accounts),
        resolver(services.workspaces, services.threads, services.accounts),
        routes(server, authenticator, resolver, limits) {}

  httplib::Server server;
  RequestAuthenticator authenticator;
  ResourceResolver resolver;
  RouteTable routes;
  int port = 0;
  std::chrono::milliseconds shutdown_timeout{0};
  // Requested when the shutdown grace period runs out; routes hold its token.
  std::stop_source cancel;
  std::mutex mutex;
  std::condition_variable serve_ended;
  bool serving = false;   // in Serve(); guarded by mutex
  bool stopping = false;  // Stop() was called; guarded by mutex
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

StatusOr<std::unique_ptr<HttpServer>> HttpServer::Bind(const ServerOptions& options,
                                                      const ServerServices& services) {
  Status valid = ValidateServerOptions(options);
  if (!valid.ok()) return valid;
  auto impl = std::make_unique<Impl>(services, options.limits);
  impl->shutdown_timeout = options.shutdown_timeout;
  ServerServices routed = services;
  routed.shutdown = impl->cancel.get_token();
  routed.limits = options.limits;
  ConfigureLimits(impl->server, options.limits, services.metrics);
  ConfigureRequestGate(impl->server, options.limits, services.metrics);
  ConfigureErrors(impl->server, options.limits);
  internal::RegisterWebRoutes(impl->routes);
  internal::RegisterSystemRoutes(impl->routes, routed);
  internal::RegisterSystemStatusRoutes(impl->routes, routed);
  internal::RegisterDoctorRoutes(impl->routes, routed);
  internal::RegisterModelPinRoute(impl->routes, routed);
  internal::RegisterModelRoutes(impl->routes, routed);
  internal::RegisterOllamaAdminRoutes(impl->routes, routed);
  internal::RegisterOllamaChatRoute(impl->routes, routed);
  internal::RegisterOpenAiRoutes(impl->routes, routed);
  internal::RegisterWorkspaceRoutes(impl->routes, routed);
  internal::RegisterJobRoutes(impl->routes, routed);
  internal::RegisterWorkspaceChatRoutes(impl->routes, routed);
  internal::RegisterAccountRoutes(impl->routes, routed, impl->authenticator);
  if (!impl->routes.unlisted().empty()) {
    return InternalError("routes without an authorization entry in server/route_specs.cc: " +
                         JoinRoutes(impl->routes.unlisted()));
  }
  const std::string where = options.host + ":" + std::to_string(options.port);
  if (options.port == 0) {
    impl->port = impl->server.bind_to_any_port(options.host);
    if (impl->port < 0) return UnavailableError("cannot listen on " + where);
  } else if (impl->server.bind_to_port(options.host, options.port)) {
    impl->port = options.port;
  } else {
    return UnavailableError("cannot listen on " + where +
                            " (in use by another program, or not an address of this machine); "
                            "choose another with --host/--port");
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

Status HttpServer::Serve() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping) return OkStatus();
    impl_->serving = true;
  }
  const bool listened = impl_->server.listen_after_bind();
  bool stopping;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->serving = false;
    stopping = impl_->stopping;
  }
  impl_->serve_ended.notify_all();
  // A Stop() between the check above and the listener starting makes the
  // listener fail at once; that is a stop, not a failure.
  if (!listened && !stopping) {
    return InternalError("the HTTP listener on port " + std::to_string(impl_->port) + " failed");
  }
  return OkStatus();
}

void HttpServer::Stop() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopping = true;
  impl_->server.stop();
  if (!impl_->serving) return;
  if (impl_->serve_ended.wait_for(lock, impl_->shutdown_timeout,
                                  [this] { return !impl_->serving; })) {
    return;
  }
  HEARTH_LOG(WARNING) << "requests still running after "
                      << FormatDuration(impl_->shutdown_timeout)
                      << " (--shutdown-timeout); cancelling them";
  impl_->cancel.request_stop();
}

}  // namespace hearth
