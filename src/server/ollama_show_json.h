// The answer to Ollama's POST /api/show: modelfile, parameters, template,
// system, license, details, model_info (the GGUF's general.* and <arch>.*
// metadata, plus tokenizer.ggml.model), capabilities and modified_at.
// Metadata arrays (token lists) are omitted, as Ollama omits them without
// "verbose". Internal to server/.
//
// Thread-safety: pure functions.
#ifndef HEARTH_SERVER_OLLAMA_SHOW_JSON_H_
#define HEARTH_SERVER_OLLAMA_SHOW_JSON_H_

#include <string>
#include <vector>

#include "models/model_store.h"
#include "nlohmann/json.hpp"

namespace hearth::internal {

// "completion" or "embedding", and "tools" when the template renders tools.
std::vector<std::string> ModelCapabilities(const ResolvedModel& model);

nlohmann::json ShowJson(const ResolvedModel& model);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_SHOW_JSON_H_
