// Request bodies as JSON, parsed once at the edge with limits, and the
// helpers routes share to answer in JSON. Internal to server/.
//
// Thread-safety: pure functions.
#ifndef HEARTH_SERVER_JSON_BODY_H_
#define HEARTH_SERVER_JSON_BODY_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace hearth::internal {

inline constexpr char kJsonContentType[] = "application/json; charset=utf-8";
inline constexpr char kNdjsonContentType[] = "application/x-ndjson";

// Objects and arrays nest at most this deep in a request.
inline constexpr int kMaxJsonDepth = 32;

// Parses `body` as one JSON object nested at most kMaxJsonDepth deep.
// Errors: InvalidArgument saying what is wrong ("request body is not valid
// JSON: ... at byte 17", "must be a JSON object").
StatusOr<nlohmann::json> ParseJsonObject(std::string_view body);

// The string field `key`: nullopt when absent or null; InvalidArgument when
// present with another type.
StatusOr<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                    std::string_view key);

// Longer keep_alive values than this mean "forever": they would overflow the
// clock when added to the current time.
inline constexpr std::chrono::seconds kMaxKeepAlive{std::chrono::hours(24 * 365 * 100)};

// Ollama's keep_alive: a number of seconds or a duration string ("5m",
// "-1"); nullopt when absent. Beyond ±kMaxKeepAlive: -1s (forever).
StatusOr<std::optional<std::chrono::seconds>> KeepAliveField(const nlohmann::json& object);

// Writes `status` as {"error": "..."} with its HTTP status.
void SetJsonError(httplib::Response& response, const Status& status);
void SetJson(httplib::Response& response, const nlohmann::json& body);

// One NDJSON line: `object` on one line (invalid UTF-8 replaced) and "\n".
std::string NdjsonLine(const nlohmann::json& object);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_JSON_BODY_H_
