// Model manifests in Ollama's format (the Docker/OCI image manifest, schema
// version 2), as stored under $HEARTH_HOME/models/manifests/<host>/<ns>/<model>/<tag>
// and as served by an Ollama registry:
//
//   {"schemaVersion": 2,
//    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
//    "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
//               "digest": "sha256:…", "size": 485},
//    "layers": [{"mediaType": "application/vnd.ollama.image.model",
//                "digest": "sha256:…", "size": 807694464}, …]}
//
// Layers hearth understands: model (the GGUF), template, system, params
// (JSON object of PARAMETER values), license, and hearth's own remote (a
// remote provider's endpoint). Unknown layer types are kept and ignored,
// so a manifest from a newer registry still round-trips.
//
// The wire and file format is JSON; this header keeps it behind plain structs
// (the JSON library is used in model_manifest.cc only).
//
// Thread-safety: value types and pure functions.
#ifndef HEARTH_MODELS_MODEL_MANIFEST_H_
#define HEARTH_MODELS_MODEL_MANIFEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/digest.h"

namespace hearth {

inline constexpr std::string_view kManifestMediaType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kConfigMediaType =
    "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kModelLayerType = "application/vnd.ollama.image.model";
inline constexpr std::string_view kTemplateLayerType = "application/vnd.ollama.image.template";
inline constexpr std::string_view kSystemLayerType = "application/vnd.ollama.image.system";
inline constexpr std::string_view kParamsLayerType = "application/vnd.ollama.image.params";
inline constexpr std::string_view kLicenseLayerType = "application/vnd.ollama.image.license";
inline constexpr std::string_view kRemoteLayerType = "application/vnd.hearth.remote";

struct ManifestLayer {
  std::string media_type;
  Digest digest;
  uint64_t size = 0;
};

struct ModelManifest {
  ManifestLayer config;
  std::vector<ManifestLayer> layers;

  // The first layer of `media_type`, or nullptr.
  const ManifestLayer* FindLayer(std::string_view media_type) const;
  // The sum of the config's and every layer's size.
  uint64_t TotalSize() const;
};

// Limits on what a manifest (from disk or a registry) may hold.
inline constexpr size_t kMaxManifestBytes = 1 << 20;
inline constexpr size_t kMaxManifestLayers = 64;

// Parses and checks a manifest: schemaVersion 2, well-formed digests
// ("sha256:<64 hex>"), sizes, at most kMaxManifestLayers layers and
// kMaxManifestBytes bytes. Errors: InvalidArgument naming what is wrong.
StatusOr<ModelManifest> ParseManifest(std::string_view json);

// The JSON text of `manifest` (the inverse of ParseManifest).
std::string SerializeManifest(const ModelManifest& manifest);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_MANIFEST_H_
