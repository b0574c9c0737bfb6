// The small JSON blobs a model manifest refers to besides the GGUF:
//
//   the config blob (Ollama's image config), which carries the model's
//   details so that `hearth list` need not open every GGUF:
//     {"model_format":"gguf","model_family":"llama","model_families":["llama"],
//      "model_type":"1.2B","file_type":"Q4_K_M","architecture":"amd64","os":"linux",
//      "rootfs":{"type":"layers","diff_ids":["sha256:…", …]}}
//
//   hearth's remote layer (application/vnd.hearth.remote), naming the
//   provider that serves a remote model:
//     {"api":"openai","base_url":"https://host/v1","model":"gpt-x","api_key_env":"KEY"}
//
// Both are written with a fixed key order and no timestamps, so
// creating the same model twice gives the same blobs and manifest digest.
//
// Thread-safety: pure functions.
#ifndef HEARTH_MODELS_MODEL_CONFIG_H_
#define HEARTH_MODELS_MODEL_CONFIG_H_

#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "models/model_details.h"
#include "models/model_manifest.h"
#include "models/model_store.h"

namespace hearth {

// The config blob for a model with `details` made of `layers` (their
// digests become rootfs.diff_ids).
std::string SerializeModelConfig(const ModelDetails& details,
                                 std::span<const ManifestLayer> layers);

// The details a config blob (hearth's or an Ollama registry's) records;
// absent fields stay empty. Errors: InvalidArgument when `json` is not a
// JSON object or is larger than 1 MiB.
StatusOr<ModelDetails> ParseModelConfig(std::string_view json);

// The remote layer for `remote`.
std::string SerializeRemoteModel(const RemoteModel& remote);

// Reads a remote layer. Errors: InvalidArgument when it is not an object
// with string fields api ("openai" or "ollama"), base_url and model.
StatusOr<RemoteModel> ParseRemoteModel(std::string_view json);

// Checks a RemoteModel before it is stored: api "openai" or "ollama", a
// base_url starting with http:// or https://, a non-empty model name.
// Errors: InvalidArgument naming the field.
Status ValidateRemoteModel(const RemoteModel& remote);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_CONFIG_H_
