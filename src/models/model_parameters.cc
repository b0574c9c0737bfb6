#include "models/model_parameters.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using Json = nlohmann::json;

constexpr double kInt64Min = -9.2e18;
constexpr double kInt64Max = 9.2e18;
constexpr size_t kMaxParamsJsonBytes = 1 << 20;
constexpr size_t kMaxStopStrings = 32;
constexpr size_t kMaxStopBytes = 1024;

constexpr ParameterType kInt = ParameterType::kInteger;
constexpr ParameterType kNum = ParameterType::kNumber;
constexpr ParameterType kBool = ParameterType::kBool;
constexpr ParameterType kStr = ParameterType::kString;

// Ollama's runner and sampling options (api.Options), sorted by name.
constexpr ParameterSpec kParameters[] = {
    {"frequency_penalty", kNum, -2, 2, false, "penalize tokens by how often they appeared"},
    {"main_gpu", kInt, 0, 1024, false, "the GPU for small tensors"},
    {"min_p", kNum, 0, 1, false, "drop tokens below this fraction of the top probability"},
    {"mirostat", kInt, 0, 2, false, "Mirostat sampling: 0 off, 1 or 2"},
    {"mirostat_eta", kNum, 0, 1e6, false, "Mirostat learning rate"},
    {"mirostat_tau", kNum, 0, 1e6, false, "Mirostat target entropy"},
    {"num_batch", kInt, 1, 1 << 20, false, "prompt tokens processed per step"},
    {"num_ctx", kInt, 1, 1 << 24, false, "context window in tokens"},
    {"num_gpu", kInt, -1, 1 << 20, false, "layers to offload to the GPU (-1: automatic)"},
    {"num_keep", kInt, -1, 1 << 24, false, "prompt tokens kept when the context shifts"},
    {"num_predict", kInt, -2, 1 << 30, false, "tokens to generate at most (-1: unlimited)"},
    {"num_thread", kInt, 0, 1024, false, "CPU threads (0: automatic)"},
    {"presence_penalty", kNum, -2, 2, false, "penalize tokens that appeared at all"},
    {"repeat_last_n", kInt, -1, 1 << 24, false, "how far back to look for repetition"},
    {"repeat_penalty", kNum, 0, 100, false, "penalize repeated tokens"},
    {"seed", kInt, kInt64Min, kInt64Max, false, "random seed (-1: random)"},
    {"stop", kStr, 0, 0, true, "a text that ends generation"},
    {"temperature", kNum, 0, 100, false, "sampling temperature"},
    {"top_k", kInt, 0, 1e7, false, "sample from the k most likely tokens (0: all)"},
    {"top_p", kNum, 0, 1, false, "sample from the smallest set with this total probability"},
    {"typical_p", kNum, 0, 1, false, "locally typical sampling"},
    {"use_mlock", kBool, 0, 0, false, "lock the model in memory"},
    {"use_mmap", kBool, 0, 0, false, "map the model file instead of reading it"},
};

// Levenshtein distance, for suggesting the parameter a typo meant.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

Status UnknownParameterError(std::string_view name) {
  std::string message = "unknown PARAMETER " + QuoteForDisplay(name);
  for (const ParameterSpec& spec : kParameters) {
    if (EditDistance(name, spec.name) <= 2) {
      return InvalidArgumentError(message + "; did you mean '" + std::string(spec.name) + "'?");
    }
  }
  message += "; known parameters are:";
  for (const ParameterSpec& spec : kParameters) message += " " + std::string(spec.name);
  return InvalidArgumentError(message);
}

std::string FormatLimit(double value) {
  Json json = value;
  if (value == std::trunc(value) && std::abs(value) < 1e15) json = static_cast<int64_t>(value);
  return json.dump();
}

Status CheckRange(const ParameterSpec& spec, double value, std::string_view text) {
  if (value >= spec.min && value <= spec.max) return OkStatus();
  return InvalidArgumentError("PARAMETER " + std::string(spec.name) + ": " + QuoteForDisplay(text) +
                              " is outside " + FormatLimit(spec.min) + ".." +
                              FormatLimit(spec.max) + " (" + std::string(spec.help) + ")");
}

Status TypeError(const ParameterSpec& spec, std::string_view text, std::string_view expected) {
  return InvalidArgumentError("PARAMETER " + std::string(spec.name) + ": " + QuoteForDisplay(text) +
                              " is not " + std::string(expected) + " (" + std::string(spec.help) +
                              ")");
}

Status CheckStop(std::string_view text) {
  if (text.empty()) return InvalidArgumentError("PARAMETER stop: the stop text is empty");
  if (text.size() > kMaxStopBytes) {
    return InvalidArgumentError("PARAMETER stop: " + QuoteForDisplay(text) + " is longer than " +
                                std::to_string(kMaxStopBytes) + " bytes");
  }
  return OkStatus();
}

// The value as JSON of the parameter's type, or why it is not one.
StatusOr<Json> ConvertValue(const ParameterSpec& spec, std::string_view text) {
  switch (spec.type) {
    case ParameterType::kInteger: {
      StatusOr<int64_t> value = ParseInt64(text);
      if (!value.ok()) return TypeError(spec, text, "a whole number");
      RETURN_IF_ERROR(CheckRange(spec, static_cast<double>(*value), text));
      return Json(*value);
    }
    case ParameterType::kNumber: {
      StatusOr<double> value = ParseDouble(text);
      if (!value.ok()) return TypeError(spec, text, "a number");
      RETURN_IF_ERROR(CheckRange(spec, *value, text));
      if (*value == std::trunc(*value) && std::abs(*value) < 1e15) {
        return Json(static_cast<int64_t>(*value));
      }
      return Json(*value);
    }
    case ParameterType::kBool: {
      StatusOr<bool> value = ParseBool(text);
      if (!value.ok()) return TypeError(spec, text, "true or false");
      return Json(*value);
    }
    case ParameterType::kString: break;
  }
  RETURN_IF_ERROR(CheckStop(text));
  return Json(std::string(text));
}

Status CheckCount(const ParameterSpec& spec, size_t count) {
  if (count == 0) {
    return InvalidArgumentError("PARAMETER " + std::string(spec.name) + " has no value");
  }
  if (!spec.repeatable && count > 1) {
    return InvalidArgumentError("PARAMETER " + std::string(spec.name) + " is given " +
                                std::to_string(count) + " times; only stop may be repeated");
  }
  if (count > kMaxStopStrings) {
    return InvalidArgumentError("PARAMETER " + std::string(spec.name) + " is given " +
                                std::to_string(count) + " times; at most " +
                                std::to_string(kMaxStopStrings) + " are allowed");
  }
  return OkStatus();
}

// One parameter's JSON: a scalar, or an array for a repeatable one.
StatusOr<Json> ConvertParameter(const std::string& name, const std::vector<std::string>& values) {
  const ParameterSpec* spec = FindModelParameter(name);
  if (spec == nullptr) return UnknownParameterError(name);
  RETURN_IF_ERROR(CheckCount(*spec, values.size()));
  if (!spec->repeatable) return ConvertValue(*spec, values.front());
  Json array = Json::array();
  for (const std::string& value : values) {
    ASSIGN_OR_RETURN(Json element, ConvertValue(*spec, value));
    array.push_back(std::move(element));
  }
  return array;
}

StatusOr<Json> ConvertAll(const ModelParameters& parameters) {
  Json object = Json::object();
  for (const auto& [name, values] : parameters) {
    ASSIGN_OR_RETURN(object[name], ConvertParameter(name, values));
  }
  return object;
}

// A scalar of a params layer as text; nullopt for objects, arrays and null.
std::optional<std::string> ScalarText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean() || value.is_number()) return value.dump();
  return std::nullopt;
}

StatusOr<std::vector<std::string>> ValuesOf(const std::string& name, const Json& value) {
  std::vector<std::string> values;
  const Json single = Json::array({value});
  for (const Json& element : value.is_array() ? value : single) {
    std::optional<std::string> text = ScalarText(element);
    if (!text) {
      return InvalidArgumentError("the params layer's value for " + QuoteForDisplay(name) +
                                  " is not a number, boolean, string or array of those");
    }
    values.push_back(std::move(*text));
  }
  return values;
}

}  // namespace

std::span<const ParameterSpec> KnownModelParameters() { return kParameters; }

const ParameterSpec* FindModelParameter(std::string_view name) {
  for (const ParameterSpec& spec : kParameters) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Status ValidateModelParameters(const ModelParameters& parameters) {
  return ConvertAll(parameters).status();
}

StatusOr<std::string> SerializeModelParameters(const ModelParameters& parameters) {
  ASSIGN_OR_RETURN(Json object, ConvertAll(parameters));
  return object.dump();
}

StatusOr<ModelParameters> ParseModelParameters(std::string_view json) {
  if (json.size() > kMaxParamsJsonBytes) {
    return InvalidArgumentError("the params layer has " + std::to_string(json.size()) +
                                " bytes; at most 1 MiB is allowed");
  }
  Json object = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) {
    return InvalidArgumentError("the params layer is not a JSON object");
  }
  ModelParameters parameters;
  for (const auto& [name, value] : object.items()) {
    ASSIGN_OR_RETURN(parameters[name], ValuesOf(name, value));
  }
  return parameters;
}

StatusOr<std::optional<int64_t>> IntegerModelParameter(const ModelParameters& parameters,
                                                       std::string_view name) {
  const ParameterSpec* spec = FindModelParameter(name);
  if (spec == nullptr || spec->type != ParameterType::kInteger) {
    return InvalidArgumentError("'" + std::string(name) + "' is not an integer parameter");
  }
  auto it = parameters.find(std::string(name));
  if (it == parameters.end()) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(Json value, ConvertParameter(it->first, it->second));
  return std::optional<int64_t>(value.get<int64_t>());
}

StatusOr<std::optional<double>> NumberModelParameter(const ModelParameters& parameters,
                                                     std::string_view name) {
  const ParameterSpec* spec = FindModelParameter(name);
  if (spec == nullptr ||
      (spec->type != ParameterType::kNumber && spec->type != ParameterType::kInteger)) {
    return InvalidArgumentError("'" + std::string(name) + "' is not a number parameter");
  }
  auto it = parameters.find(std::string(name));
  if (it == parameters.end()) return std::optional<double>();
  ASSIGN_OR_RETURN(Json value, ConvertParameter(it->first, it->second));
  return std::optional<double>(value.get<double>());
}

ModelParameters MergeModelParameters(const ModelParameters& base,
                                     const ModelParameters& overrides) {
  ModelParameters merged = base;
  for (const auto& [name, values] : overrides) merged[name] = values;
  return merged;
}

}  // namespace hearth
