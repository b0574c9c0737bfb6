// A decorator that reports what every request to a loaded model used (tokens
// and time) to a sink, whichever route or API it came through: the source of
// the token counters on /metrics. A generation that fails or is cancelled
// (its client went away) still reports the tokens it streamed.
//
// Thread-safety: as the wrapped backend; the sink must be thread-safe.
#ifndef HEARTH_MODELS_USAGE_RECORDING_BACKEND_H_
#define HEARTH_MODELS_USAGE_RECORDING_BACKEND_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "models/inference.h"

namespace hearth {

struct ModelUsage {
  std::string model;  // display name
  std::string kind;   // "generate" | "embed" | "rerank"
  int64_t prompt_tokens = 0;
  int64_t generated_tokens = 0;
  std::chrono::nanoseconds prefill{0};
  std::chrono::nanoseconds decode{0};
};

using UsageSink = std::function<void(const ModelUsage&)>;

// Wraps `inner`; successful Generate/Embed/Rerank calls are reported to `sink`.
std::unique_ptr<InferenceBackend> RecordUsage(std::unique_ptr<InferenceBackend> inner,
                                              std::string model, UsageSink sink);

}  // namespace hearth

#endif  // HEARTH_MODELS_USAGE_RECORDING_BACKEND_H_
