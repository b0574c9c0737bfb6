#include "server/json_body.h"

#include "base/value_parsers.h"
#include "server/http_status.h"

namespace hearth::internal {
namespace {

// Rejects nesting deeper than kMaxJsonDepth while parsing, before the
// document is built.
bool DepthWithinLimit(int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
  (void)event;
  return depth <= kMaxJsonDepth;
}

}  // namespace

StatusOr<nlohmann::json> ParseJsonObject(std::string_view body) {
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body, DepthWithinLimit);
  } catch (const nlohmann::json::exception& error) {
    return InvalidArgumentError(std::string("request body is not valid JSON (or nests deeper than ") +
                                std::to_string(kMaxJsonDepth) + " levels): " + error.what());
  }
  if (!parsed.is_object()) return InvalidArgumentError("request body must be a JSON object");
  return parsed;
}

StatusOr<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                    std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return InvalidArgumentError("\"" + std::string(key) + "\" must be a string");
  }
  return std::optional<std::string>(it->get<std::string>());
}

StatusOr<std::optional<std::chrono::seconds>> KeepAliveField(const nlohmann::json& object) {
  auto it = object.find("keep_alive");
  if (it == object.end() || it->is_null()) return std::optional<std::chrono::seconds>();
  if (it->is_number()) {
    return std::optional(std::chrono::seconds(static_cast<int64_t>(it->get<double>())));
  }
  if (!it->is_string()) {
    return InvalidArgumentError("\"keep_alive\" must be a number of seconds or a duration like \"5m\"");
  }
  StatusOr<std::chrono::milliseconds> parsed = ParseDuration(it->get<std::string>());
  if (!parsed.ok()) return InvalidArgumentError("\"keep_alive\": " + parsed.status().message());
  return std::optional(std::chrono::duration_cast<std::chrono::seconds>(*parsed));
}

void SetJsonError(httplib::Response& response, const Status& status) {
  response.status = HttpStatusFor(status);
  response.set_content(ErrorBody(status), kJsonContentType);
}

void SetJson(httplib::Response& response, const nlohmann::json& body) {
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       kJsonContentType);
}

}  // namespace hearth::internal
