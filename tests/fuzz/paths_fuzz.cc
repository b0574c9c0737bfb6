// Fuzzes the path-safety chokepoint with arbitrary names. Invariant: any name
// SafeJoin accepts resolves to a path inside the base directory.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include "base/paths.h"

namespace {

// A base directory with a symlink that points outside it, so escapes through
// links are part of what the fuzzer explores.
const std::filesystem::path& BaseDir() {
  static const std::filesystem::path base = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "hearth-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    std::filesystem::path dir = std::filesystem::canonical(pattern);
    std::filesystem::create_directory(dir / "a");
    std::filesystem::create_directory_symlink("/tmp", dir / "out");
    std::filesystem::create_directory_symlink(dir / "a", dir / "in");
    return dir;
  }();
  return base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view name(reinterpret_cast<const char*>(data), size);
  auto joined = hearth::SafeJoin(BaseDir(), name);
  if (!joined.ok()) return 0;
  std::string inside = BaseDir().string() + "/";
  std::string result = joined->string();
  if (result.compare(0, inside.size(), inside) != 0 && result != BaseDir().string()) std::abort();
  std::error_code error;
  auto resolved = std::filesystem::weakly_canonical(*joined, error);
  if (!error && resolved.string().compare(0, inside.size(), inside) != 0 &&
      resolved != BaseDir()) {
    std::abort();
  }
  return 0;
}
