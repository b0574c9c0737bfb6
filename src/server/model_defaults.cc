#include "server/model_defaults.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status_macros.h"

namespace hearth::internal {
namespace {

// A stored parameter's error, saying whose it is.
Status StoredValueError(const Status& status) {
  return InvalidArgumentError("the model's stored parameter is bad: " + status.message() +
                              "; re-create the model with a valid value");
}

// Sets `*target` from the number parameter `name` unless the request set it.
Status Number(const ModelParameters& parameters, const GivenOptions& given, std::string_view name,
              float* target) {
  if (given.contains(name)) return OkStatus();
  StatusOr<std::optional<double>> value = NumberModelParameter(parameters, name);
  if (!value.ok()) return StoredValueError(value.status());
  if (*value) *target = static_cast<float>(**value);
  return OkStatus();
}

// The integer parameter `name`, unless the request set it.
StatusOr<std::optional<int64_t>> Integer(const ModelParameters& parameters,
                                         const GivenOptions& given, std::string_view name) {
  if (given.contains(name)) return std::optional<int64_t>();
  StatusOr<std::optional<int64_t>> value = IntegerModelParameter(parameters, name);
  if (!value.ok()) return StoredValueError(value.status());
  return *value;
}

int32_t ToInt32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, INT32_MIN, INT32_MAX));
}

Status ApplySampling(const ModelParameters& parameters, const GivenOptions& given,
                     SamplingOptions* sampling) {
  RETURN_IF_ERROR(Number(parameters, given, "temperature", &sampling->temperature));
  RETURN_IF_ERROR(Number(parameters, given, "top_p", &sampling->top_p));
  RETURN_IF_ERROR(Number(parameters, given, "min_p", &sampling->min_p));
  RETURN_IF_ERROR(Number(parameters, given, "repeat_penalty", &sampling->repeat_penalty));
  RETURN_IF_ERROR(Number(parameters, given, "presence_penalty", &sampling->presence_penalty));
  RETURN_IF_ERROR(Number(parameters, given, "frequency_penalty", &sampling->frequency_penalty));
  ASSIGN_OR_RETURN(std::optional<int64_t> top_k, Integer(parameters, given, "top_k"));
  if (top_k) sampling->top_k = ToInt32(*top_k);
  ASSIGN_OR_RETURN(std::optional<int64_t> last_n, Integer(parameters, given, "repeat_last_n"));
  if (last_n) sampling->repeat_last_n = ToInt32(*last_n);
  ASSIGN_OR_RETURN(std::optional<int64_t> seed, Integer(parameters, given, "seed"));
  // As a request's options.seed: negative is random; the sampler takes 32 bits.
  if (seed) sampling->seed = *seed < 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(*seed % 0xFFFFFFFF);
  return OkStatus();
}

Status ApplyLimits(const ModelParameters& parameters, const GivenOptions& given,
                   int32_t* max_tokens, std::vector<std::string>* stop_strings) {
  ASSIGN_OR_RETURN(std::optional<int64_t> num_predict, Integer(parameters, given, "num_predict"));
  // -1 is unlimited and -2 Ollama's "fill the context": both end at the context here.
  if (num_predict) *max_tokens = *num_predict < 0 ? -1 : ToInt32(*num_predict);
  if (given.contains("stop")) return OkStatus();
  auto stops = parameters.find("stop");
  if (stops == parameters.end()) return OkStatus();
  for (const std::string& stop : stops->second) {
    if (stop.empty()) {
      return StoredValueError(InvalidArgumentError("PARAMETER stop: the stop text is empty"));
    }
  }
  for (const std::string& stop : stops->second) {
    if (std::find(stop_strings->begin(), stop_strings->end(), stop) == stop_strings->end()) {
      stop_strings->push_back(stop);
    }
  }
  return OkStatus();
}

}  // namespace

Status ApplyModelDefaults(const ModelParameters& parameters, const GivenOptions& given,
                          GenerateRequest* generate) {
  if (parameters.empty()) return OkStatus();
  // Work on copies so that a bad value leaves the request as it was.
  SamplingOptions sampling = generate->sampling;
  int32_t max_tokens = generate->max_tokens;
  std::vector<std::string> stop = generate->stop;
  RETURN_IF_ERROR(ApplySampling(parameters, given, &sampling));
  RETURN_IF_ERROR(ApplyLimits(parameters, given, &max_tokens, &stop));
  generate->sampling = sampling;
  generate->max_tokens = max_tokens;
  generate->stop = std::move(stop);
  return OkStatus();
}

}  // namespace hearth::internal
