#include "server/system_routes.h"

#include "nlohmann/json.hpp"

namespace hearth::internal {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

// Ollama answers "/" with this sentence; clients and health checks probe it.
void HandleRoot(const httplib::Request& /*request*/, httplib::Response& response) {
  response.set_content("hearth is running", "text/plain; charset=utf-8");
}

void HandleVersion(const httplib::Request& /*request*/, httplib::Response& response) {
  response.set_content(nlohmann::json{{"version", HEARTH_VERSION}}.dump(), kJson);
}

}  // namespace

void RegisterSystemRoutes(httplib::Server& server) {
  server.Get("/", HandleRoot);
  server.Get("/api/version", HandleVersion);
}

}  // namespace hearth::internal
