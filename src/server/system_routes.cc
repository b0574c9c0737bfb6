#include "server/system_routes.h"

#include "nlohmann/json.hpp"
#include "server/metrics.h"

namespace hearth::internal {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

void HandleVersion(const httplib::Request& /*request*/, httplib::Response& response) {
  response.set_content(nlohmann::json{{"version", HEARTH_VERSION}}.dump(), kJson);
}

}  // namespace

void RegisterSystemRoutes(RouteTable& routes, const ServerServices& services) {
  routes.Get("/api/version", HandleVersion);
  routes.Get("/health", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(nlohmann::json{{"status", "ok"}}.dump(), kJson);
  });
  if (services.metrics == nullptr) return;
  routes.Get("/metrics", [services](const httplib::Request&, httplib::Response& response) {
    response.set_content(services.metrics->Render(services.scheduler),
                         "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace hearth::internal
