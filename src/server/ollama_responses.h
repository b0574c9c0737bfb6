// Ollama API responses as JSON: /api/tags, /api/ps, /api/generate chunks and
// final objects, /api/embed. Fields follow Ollama's names and units
// (durations in nanoseconds, times as RFC 3339); hearth's additions sit
// under "hearth" keys that Ollama clients ignore. Internal to server/.
//
// Thread-safety: pure functions.
#ifndef HEARTH_SERVER_OLLAMA_RESPONSES_H_
#define HEARTH_SERVER_OLLAMA_RESPONSES_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "models/inference.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "nlohmann/json.hpp"

namespace hearth::internal {

// One scheduler event: {"at","model","kind","reason","duration_ms","bytes"}
// (/api/ps's hearth section, /api/v1/system).
nlohmann::json ModelEventJson(const ModelEvent& event);

nlohmann::json DetailsJson(const ModelDetails& details);
nlohmann::json TagsJson(const std::vector<ModelEntry>& entries);
nlohmann::json PsJson(const Scheduler& scheduler);

// What every final generate/embed object reports about the model's load.
struct CallTiming {
  std::chrono::nanoseconds total{0};
  std::chrono::nanoseconds load{0};
  std::optional<int32_t> clamped_from;  // the context asked for, when more than loaded
  int32_t context_length = 0;
};

nlohmann::json GenerateChunkJson(const std::string& model, const std::string& text);
nlohmann::json GenerateFinalJson(const std::string& model, const GenerateResult& result,
                                 const CallTiming& timing, bool include_text);
// Ollama's answer to a generate request without a prompt.
nlohmann::json LoadOnlyJson(const std::string& model, std::string_view done_reason);
nlohmann::json EmbedJson(const std::string& model, const EmbedResult& result,
                         const CallTiming& timing);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_RESPONSES_H_
