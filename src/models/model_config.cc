#include "models/model_config.h"

#include <utility>

#include "base/escaping.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace hearth {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxConfigBytes = 1 << 20;

StatusOr<Json> ParseObject(std::string_view json, std::string_view what) {
  if (json.size() > kMaxConfigBytes) {
    return InvalidArgumentError(std::string(what) + " has " + std::to_string(json.size()) +
                                " bytes; at most 1 MiB is allowed");
  }
  Json parsed = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return InvalidArgumentError(std::string(what) + " is not a JSON object");
  return parsed;
}

std::string StringOr(const Json& object, const char* key, std::string fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
}

std::vector<std::string> Families(const Json& object) {
  std::vector<std::string> families;
  auto it = object.find("model_families");
  if (it == object.end() || !it->is_array()) return families;
  for (const Json& family : *it) {
    if (family.is_string()) families.push_back(family.get<std::string>());
  }
  return families;
}

}  // namespace

std::string SerializeModelConfig(const ModelDetails& details,
                                 std::span<const ManifestLayer> layers) {
  Json json = Json::object();
  json["model_format"] = details.format;
  json["model_family"] = details.family;
  json["model_families"] = details.families;
  json["model_type"] = details.parameter_size;
  json["file_type"] = details.quantization_level;
  json["architecture"] = "amd64";
  json["os"] = "linux";
  Json diff_ids = Json::array();
  for (const ManifestLayer& layer : layers) diff_ids.push_back(layer.digest.ToString());
  json["rootfs"] = {{"type", "layers"}, {"diff_ids", std::move(diff_ids)}};
  return json.dump();
}

StatusOr<ModelDetails> ParseModelConfig(std::string_view json) {
  ASSIGN_OR_RETURN(Json object, ParseObject(json, "the model's config blob"));
  ModelDetails details;
  details.format = StringOr(object, "model_format", "gguf");
  details.family = StringOr(object, "model_family");
  details.families = Families(object);
  details.parameter_size = StringOr(object, "model_type");
  details.quantization_level = StringOr(object, "file_type");
  return details;
}

std::string SerializeRemoteModel(const RemoteModel& remote) {
  Json json = Json::object();
  json["api"] = remote.api;
  json["base_url"] = remote.base_url;
  json["model"] = remote.model;
  if (!remote.api_key_env.empty()) json["api_key_env"] = remote.api_key_env;
  return json.dump();
}

StatusOr<RemoteModel> ParseRemoteModel(std::string_view json) {
  ASSIGN_OR_RETURN(Json object, ParseObject(json, "the model's remote layer"));
  RemoteModel remote{.api = StringOr(object, "api"),
                     .base_url = StringOr(object, "base_url"),
                     .model = StringOr(object, "model"),
                     .api_key_env = StringOr(object, "api_key_env")};
  RETURN_IF_ERROR(ValidateRemoteModel(remote));
  return remote;
}

Status ValidateRemoteModel(const RemoteModel& remote) {
  if (remote.api != "openai" && remote.api != "ollama") {
    return InvalidArgumentError("remote model api " + QuoteForDisplay(remote.api) +
                                " is not \"openai\" or \"ollama\"");
  }
  if (!remote.base_url.starts_with("http://") && !remote.base_url.starts_with("https://")) {
    return InvalidArgumentError("remote model base_url " + QuoteForDisplay(remote.base_url) +
                                " does not start with http:// or https://");
  }
  if (remote.model.empty()) return InvalidArgumentError("remote model has no model name");
  return OkStatus();
}

}  // namespace hearth
