// Server-Sent Events framing for hearth's own streams (/api/v1 chat, job
// progress): "event: <name>\ndata: <one line of JSON>\n\n". (The OpenAI
// routes' data-only framing is in openai_responses.h.) Internal to server/.
//
// Thread-safety: pure functions; a sink is used by one thread at a time.
#ifndef HEARTH_SERVER_SSE_H_
#define HEARTH_SERVER_SSE_H_

#include <string>
#include <string_view>

#include "httplib.h"
#include "nlohmann/json.hpp"

namespace hearth::internal {

// `data` framed as the SSE event `event`. Invalid UTF-8 in `data`'s strings
// is replaced (U+FFFD), so the line is always valid JSON.
std::string SseEvent(std::string_view event, const nlohmann::json& data);

// Writes SseEvent(event, data) to `sink`; false when the client is gone.
bool WriteSseEvent(httplib::DataSink& sink, std::string_view event, const nlohmann::json& data);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_SSE_H_
