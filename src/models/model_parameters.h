// Model parameters: the PARAMETER names a Modelfile may set, their types, and
// the params layer of a manifest that stores them.
//
// A Modelfile gives every value as text ("PARAMETER temperature 0.7");
// ModelParameters (models/model_store.h) keeps that text by name. Before a
// model is created, ValidateModelParameters checks each name against the
// parameters Ollama knows and each value against its type and range. The
// params layer is Ollama's JSON object: numbers as numbers, booleans as
// booleans, and `stop` (the one parameter that may repeat) as an array:
//
//   {"num_ctx":4096,"stop":["<|eot_id|>","</s>"],"temperature":0.7}
//
// Keys are sorted and numbers written in their shortest form, so equal
// parameters always give the same bytes (and the same blob).
//
// Thread-safety: constant tables and pure functions; safe from any thread.
//
// Example:
//   RETURN_IF_ERROR(ValidateModelParameters(spec.parameters));
//   ASSIGN_OR_RETURN(std::string json, SerializeModelParameters(spec.parameters));
//   ASSIGN_OR_RETURN(ModelParameters back, ParseModelParameters(json));
#ifndef HEARTH_MODELS_MODEL_PARAMETERS_H_
#define HEARTH_MODELS_MODEL_PARAMETERS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hearth {

// Values by parameter name, as PARAMETER lines give them ("temperature" →
// {"0.7"}, "stop" → {"<|eot_id|>", "</s>"}).
using ModelParameters = std::map<std::string, std::vector<std::string>>;

enum class ParameterType { kInteger, kNumber, kBool, kString };

// One known parameter: its type, the range of a number (inclusive), and
// whether it may be given more than once.
struct ParameterSpec {
  std::string_view name;
  ParameterType type;
  double min;
  double max;
  bool repeatable;
  std::string_view help;  // one line for error messages and `hearth show`
};

// Every parameter hearth knows, sorted by name.
std::span<const ParameterSpec> KnownModelParameters();

// The parameter called `name` (exact, lower case), or nullptr.
const ParameterSpec* FindModelParameter(std::string_view name);

// Checks every name and value. Errors: InvalidArgument naming the parameter
// and the value, e.g. "PARAMETER temperature: 'hot' is not a number",
// "unknown PARAMETER 'temprature'; known parameters are: ...", "PARAMETER
// top_p: 1.5 is outside 0..1", "PARAMETER num_ctx is given 2 times; only
// stop may be repeated". A name with no values is an error too.
Status ValidateModelParameters(const ModelParameters& parameters);

// The params layer JSON for `parameters`, which must pass
// ValidateModelParameters (its errors are returned otherwise).
StatusOr<std::string> SerializeModelParameters(const ModelParameters& parameters);

// Reads a params layer (from hearth or any Ollama registry) back into text
// values: numbers in their shortest form, booleans as "true"/"false",
// strings as they are, arrays one value per element. Unknown names are kept
// (a newer Ollama may know more). Errors: InvalidArgument when `json` is not
// a JSON object of numbers, booleans, strings and arrays of those, or is
// larger than 1 MiB.
StatusOr<ModelParameters> ParseModelParameters(std::string_view json);

// The value `parameters` gives the integer parameter `name` (num_ctx,
// num_predict, top_k, seed, ...), or nullopt when it gives none. Errors:
// InvalidArgument when the stored value is not valid for the parameter (the
// message as ValidateModelParameters words it) or `name` is not a known
// integer parameter.
StatusOr<std::optional<int64_t>> IntegerModelParameter(const ModelParameters& parameters,
                                                       std::string_view name);

// The same for a number parameter (temperature, top_p, ...); integer
// parameters are read too.
StatusOr<std::optional<double>> NumberModelParameter(const ModelParameters& parameters,
                                                     std::string_view name);

// `base` with every name in `overrides` replaced by the override's values.
ModelParameters MergeModelParameters(const ModelParameters& base,
                                     const ModelParameters& overrides);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_PARAMETERS_H_
