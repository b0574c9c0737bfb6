// Fuzzes the model name parser. Invariants for every name it accepts: the
// manifest path stays inside the models directory (SafeJoin accepts it and
// the result is below the base), no manifest path part is empty, "." or ".."
// or holds a '/', and the full and display forms parse back to the same name.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include "base/paths.h"
#include "models/model_name.h"

namespace {

const std::filesystem::path& BaseDir() {
  static const std::filesystem::path base = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hearth-fuzz-model-name-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    return std::filesystem::canonical(pattern);
  }();
  return base;
}

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto name = hearth::ParseModelName(text);
  if (!name.ok()) {
    Check(name.status().code() == hearth::StatusCode::kInvalidArgument);
    return 0;
  }
  for (const std::string& part : name->ManifestPathParts()) {
    Check(!part.empty() && part != "." && part != ".." && part.find('/') == std::string::npos);
  }
  auto joined = hearth::SafeJoin(BaseDir(), name->ManifestPath());
  Check(joined.ok());
  const std::string inside = BaseDir().string() + "/manifests/";
  Check(joined->string().compare(0, inside.size(), inside) == 0);

  auto full = hearth::ParseModelName(name->FullName());
  auto display = hearth::ParseModelName(name->DisplayName());
  Check(full.ok() && display.ok());
  Check(full->FullName() == name->FullName() && *display == *name);
  return 0;
}
