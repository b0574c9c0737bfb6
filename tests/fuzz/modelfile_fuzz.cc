// Fuzzes the Modelfile parser (models/modelfile.h): a Modelfile comes from
// the user or from a registry's model. Invariants: every error is
// InvalidArgument and names a line (or the size); every accepted Modelfile
// has a FROM and parameters that pass ValidateModelParameters; and
// FormatModelfile writes text that ParseModelfile reads back unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/model_parameters.h"
#include "models/modelfile.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto modelfile = hearth::ParseModelfile(text);
  if (!modelfile.ok()) {
    Check(modelfile.status().code() == hearth::StatusCode::kInvalidArgument);
    Check(modelfile.status().message().starts_with("line ") ||
          modelfile.status().message().starts_with("the Modelfile "));
    return 0;
  }
  Check(!modelfile->from.empty());
  Check(hearth::ValidateModelParameters(modelfile->parameters).ok());
  const std::string formatted = hearth::FormatModelfile(*modelfile);
  auto again = hearth::ParseModelfile(formatted);
  Check(again.ok());
  Check(*again == *modelfile);
  Check(hearth::FormatModelfile(*again) == formatted);
  return 0;
}
