// Fuzzes the params layer parser (models/model_parameters.h), which reads
// JSON from any Ollama registry. Invariants: every error is
// InvalidArgument; every accepted value list is non-empty for a scalar; and
// for parameters that validate, serializing is canonical: the layer JSON
// parses back to parameters that validate and serialize to the same bytes,
// and a second round trip changes nothing.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/model_parameters.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckCanonical(const hearth::ModelParameters& parameters) {
  auto json = hearth::SerializeModelParameters(parameters);
  Check(json.ok());
  auto back = hearth::ParseModelParameters(*json);
  Check(back.ok());
  Check(back->size() == parameters.size());
  Check(hearth::ValidateModelParameters(*back).ok());
  auto json_again = hearth::SerializeModelParameters(*back);
  Check(json_again.ok() && *json_again == *json);
  auto back_again = hearth::ParseModelParameters(*json_again);
  Check(back_again.ok() && *back_again == *back);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parameters = hearth::ParseModelParameters(text);
  if (!parameters.ok()) {
    Check(parameters.status().code() == hearth::StatusCode::kInvalidArgument);
    return 0;
  }
  hearth::Status valid = hearth::ValidateModelParameters(*parameters);
  if (!valid.ok()) {
    Check(valid.code() == hearth::StatusCode::kInvalidArgument);
    Check(hearth::SerializeModelParameters(*parameters).status().code() == valid.code());
    return 0;
  }
  CheckCanonical(*parameters);
  Check(hearth::MergeModelParameters(*parameters, {}) == *parameters);
  return 0;
}
