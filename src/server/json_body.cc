#include "server/json_body.h"

#include <cmath>

#include "base/value_parsers.h"
#include "server/http_status.h"

namespace hearth::internal {
namespace {

std::string TooDeep() {
  return "request body nests objects and arrays more than " + std::to_string(kMaxJsonDepth) +
         " levels deep";
}

}  // namespace

StatusOr<nlohmann::json> ParseJsonObject(std::string_view body) {
  // The callback sees each object or array as it starts, with the number of
  // containers around it. A callback that returns false only makes nlohmann
  // drop that value and go on, so the verdict is kept in `too_deep` and the
  // body refused afterwards: a deep part must never vanish silently.
  // nlohmann reads a NUL byte as the end of the input, so "{...}\0anything"
  // would pass with the rest unread; JSON never holds a raw NUL.
  if (body.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("request body is not valid JSON: it holds a NUL byte");
  }
  bool too_deep = false;
  const auto depth_within_limit = [&too_deep](int depth, nlohmann::json::parse_event_t event,
                                              nlohmann::json&) {
    const bool opens = event == nlohmann::json::parse_event_t::object_start ||
                       event == nlohmann::json::parse_event_t::array_start;
    if (opens && depth >= kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body, depth_within_limit);
  } catch (const nlohmann::json::exception& error) {
    return InvalidArgumentError(std::string("request body is not valid JSON: ") + error.what());
  }
  if (too_deep) return InvalidArgumentError(TooDeep());
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
    // Casting a double beyond int64 is undefined, and a huge count overflows
    // the clock when added to now; such a keep_alive means "forever".
    const double seconds = it->get<double>();
    if (std::abs(seconds) > static_cast<double>(kMaxKeepAlive.count())) {
      return std::optional(std::chrono::seconds(-1));
    }
    return std::optional(std::chrono::seconds(static_cast<int64_t>(seconds)));
  }
  if (!it->is_string()) {
    return InvalidArgumentError("\"keep_alive\" must be a number of seconds or a duration like \"5m\"");
  }
  StatusOr<std::chrono::milliseconds> parsed = ParseDuration(it->get<std::string>());
  if (!parsed.ok()) return InvalidArgumentError("\"keep_alive\": " + parsed.status().message());
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  if (seconds > kMaxKeepAlive || seconds < -kMaxKeepAlive) {
    return std::optional(std::chrono::seconds(-1));
  }
  return std::optional(seconds);
}

void SetJsonError(httplib::Response& response, const Status& status) {
  response.status = HttpStatusFor(status);
  response.set_content(ErrorBody(status), kJsonContentType);
}

void SetJson(httplib::Response& response, const nlohmann::json& body) {
  response.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       kJsonContentType);
}

std::string NdjsonLine(const nlohmann::json& object) {
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace hearth::internal
