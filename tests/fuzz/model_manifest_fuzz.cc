// Fuzzes the model manifest parser (models/model_manifest.h), which reads
// JSON from registries and from disk. Invariants: every error is
// InvalidArgument; every accepted manifest stays within the documented
// limits; and it round-trips: SerializeManifest of it parses back to an
// equal manifest, whose serialization is the same bytes (canonical form).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "models/model_manifest.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool SameLayer(const hearth::ManifestLayer& a, const hearth::ManifestLayer& b) {
  return a.media_type == b.media_type && a.digest == b.digest && a.size == b.size;
}

bool SameManifest(const hearth::ModelManifest& a, const hearth::ModelManifest& b) {
  if (!SameLayer(a.config, b.config) || a.layers.size() != b.layers.size()) return false;
  for (size_t i = 0; i < a.layers.size(); ++i) {
    if (!SameLayer(a.layers[i], b.layers[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = hearth::ParseManifest(text);
  if (!manifest.ok()) {
    Check(manifest.status().code() == hearth::StatusCode::kInvalidArgument);
    return 0;
  }
  Check(manifest->layers.size() <= hearth::kMaxManifestLayers);
  for (const hearth::ManifestLayer& layer : manifest->layers) {
    Check(manifest->FindLayer(layer.media_type) != nullptr);
  }
  const std::string serialized = hearth::SerializeManifest(*manifest);
  auto again = hearth::ParseManifest(serialized);
  Check(again.ok());
  Check(SameManifest(*manifest, *again));
  Check(hearth::SerializeManifest(*again) == serialized);
  return 0;
}
