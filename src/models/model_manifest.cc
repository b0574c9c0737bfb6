#include "models/model_manifest.h"

#include <utility>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using Json = nlohmann::ordered_json;

Status ManifestError(std::string_view what) {
  return InvalidArgumentError("invalid model manifest: " + std::string(what));
}

StatusOr<std::string> StringField(const Json& object, const char* key, std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return ManifestError(std::string(where) + " has no string \"" + key + "\"");
  }
  return it->get<std::string>();
}

StatusOr<ManifestLayer> ParseLayer(const Json& json, std::string_view where) {
  if (!json.is_object()) return ManifestError(std::string(where) + " is not an object");
  ManifestLayer layer;
  ASSIGN_OR_RETURN(layer.media_type, StringField(json, "mediaType", where));
  ASSIGN_OR_RETURN(std::string digest, StringField(json, "digest", where));
  if (!digest.starts_with("sha256:")) {
    return ManifestError(std::string(where) + "'s digest " + QuoteForDisplay(digest) +
                         " does not start with \"sha256:\"");
  }
  StatusOr<Digest> parsed = Digest::Parse(digest);
  if (!parsed.ok()) return ManifestError(std::string(where) + ": " + parsed.status().message());
  layer.digest = *parsed;
  auto size = json.find("size");
  if (size == json.end() || !size->is_number_unsigned()) {
    return ManifestError(std::string(where) + " has no non-negative whole \"size\"");
  }
  layer.size = size->get<uint64_t>();
  return layer;
}

Status CheckHeader(const Json& json) {
  if (!json.is_object()) return ManifestError("it is not a JSON object");
  auto version = json.find("schemaVersion");
  if (version == json.end() || !version->is_number_integer() || version->get<int64_t>() != 2) {
    return ManifestError("schemaVersion is not 2");
  }
  auto media_type = json.find("mediaType");
  if (media_type != json.end() && !media_type->is_string()) {
    return ManifestError("mediaType is not a string");
  }
  return OkStatus();
}

StatusOr<std::vector<ManifestLayer>> ParseLayers(const Json& json) {
  auto layers = json.find("layers");
  if (layers == json.end() || !layers->is_array()) return ManifestError("it has no layers array");
  if (layers->size() > kMaxManifestLayers) {
    return ManifestError("it has " + std::to_string(layers->size()) + " layers; at most " +
                         std::to_string(kMaxManifestLayers) + " are allowed");
  }
  std::vector<ManifestLayer> result;
  for (size_t i = 0; i < layers->size(); ++i) {
    ASSIGN_OR_RETURN(ManifestLayer layer, ParseLayer((*layers)[i], "layer " + std::to_string(i)));
    result.push_back(std::move(layer));
  }
  return result;
}

Json LayerJson(const ManifestLayer& layer) {
  Json json = Json::object();
  json["mediaType"] = layer.media_type;
  json["digest"] = layer.digest.ToString();
  json["size"] = layer.size;
  return json;
}

}  // namespace

const ManifestLayer* ModelManifest::FindLayer(std::string_view media_type) const {
  for (const ManifestLayer& layer : layers) {
    if (layer.media_type == media_type) return &layer;
  }
  return nullptr;
}

uint64_t ModelManifest::TotalSize() const {
  uint64_t total = config.size;
  for (const ManifestLayer& layer : layers) total += layer.size;
  return total;
}

StatusOr<ModelManifest> ParseManifest(std::string_view json) {
  if (json.size() > kMaxManifestBytes) {
    return ManifestError("it has " + std::to_string(json.size()) + " bytes; at most " +
                         std::to_string(kMaxManifestBytes) + " are allowed");
  }
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return ManifestError("it is not valid JSON");
  RETURN_IF_ERROR(CheckHeader(parsed));
  auto config = parsed.find("config");
  if (config == parsed.end()) return ManifestError("it has no config");
  ModelManifest manifest;
  ASSIGN_OR_RETURN(manifest.config, ParseLayer(*config, "config"));
  ASSIGN_OR_RETURN(manifest.layers, ParseLayers(parsed));
  return manifest;
}

std::string SerializeManifest(const ModelManifest& manifest) {
  Json json = Json::object();
  json["schemaVersion"] = 2;
  json["mediaType"] = std::string(kManifestMediaType);
  json["config"] = LayerJson(manifest.config);
  json["layers"] = Json::array();
  for (const ManifestLayer& layer : manifest.layers) json["layers"].push_back(LayerJson(layer));
  return json.dump();
}

}  // namespace hearth
