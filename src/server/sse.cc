#include "server/sse.h"

namespace hearth::internal {

std::string SseEvent(std::string_view event, const nlohmann::json& data) {
  return "event: " + std::string(event) + "\ndata: " +
         data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

bool WriteSseEvent(httplib::DataSink& sink, std::string_view event, const nlohmann::json& data) {
  const std::string text = SseEvent(event, data);
  return sink.write(text.data(), text.size());
}

}  // namespace hearth::internal
