#include "server/web_routes.h"

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"
#include "web/web_assets.h"

namespace hearth::internal {
namespace {

// Ollama answers "/" with this sentence; clients and health checks probe it.
constexpr char kLiveness[] = "hearth is running";

void SetCommonHeaders(httplib::Response& response) {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "no-referrer");
  response.set_header("Cache-Control", "no-cache");
}

void SendAsset(const WebAsset& asset, httplib::Response& response) {
  SetCommonHeaders(response);
  if (asset.content_type.starts_with("text/html")) {
    response.set_header("Content-Security-Policy", kWebContentSecurityPolicy);
  }
  response.set_content(std::string(asset.bytes), std::string(asset.content_type));
}

// A browser navigating to "/" sends "Accept: text/html,...". curl sends
// "*/*" and Ollama's clients send nothing or JSON: they get the sentence.
bool WantsHtml(const httplib::Request& request) {
  return request.get_header_value("Accept").find("text/html") != std::string::npos;
}

void HandleRoot(const httplib::Request& request, httplib::Response& response) {
  response.set_header("Vary", "Accept");
  const std::optional<WebAsset> index = FindWebAsset("index.html");
  if (!WantsHtml(request) || !index) {
    response.set_content(kLiveness, "text/plain; charset=utf-8");
    return;
  }
  SendAsset(*index, response);
}

void HandleAsset(const httplib::Request& request, httplib::Response& response) {
  const std::optional<WebAsset> asset = FindWebAsset(request.matches[1].str());
  if (!asset) {
    SetCommonHeaders(response);
    response.status = 404;
    response.set_content(
        nlohmann::json{{"error", "no such asset: " + request.path}}.dump(),
        "application/json; charset=utf-8");
    return;
  }
  SendAsset(*asset, response);
}

}  // namespace

void RegisterWebRoutes(RouteTable& routes) {
  routes.Get("/", HandleRoot);
  routes.Get("/assets/(.+)", HandleAsset);
}

}  // namespace hearth::internal
