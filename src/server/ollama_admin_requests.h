// Ollama API requests for managing models (/api/show, /api/create,
// /api/copy, /api/delete, /api/pull, /api/embeddings) parsed from JSON into
// plain structs. Internal to server/.
//
// Errors: every parser returns InvalidArgument naming the field and what it
// must be; names are checked with ParseModelName, so a traversal such as
// "../x" never reaches the store.
//
// Thread-safety: pure functions.
#ifndef HEARTH_SERVER_OLLAMA_ADMIN_REQUESTS_H_
#define HEARTH_SERVER_OLLAMA_ADMIN_REQUESTS_H_

#include <optional>
#include <string>

#include "base/status.h"
#include "models/model_name.h"
#include "models/model_store.h"
#include "models/quantization_type.h"
#include "nlohmann/json.hpp"
#include "store/digest.h"

namespace hearth::internal {

struct OllamaShow {
  ModelName model;
};

// POST /api/create in Ollama's JSON form. Exactly one of `from` and
// `model_blob` is set; the rest of `spec` (template, system, license,
// parameters) is filled, `spec.from_*` is left for the route to fill.
struct OllamaCreate {
  ModelName model;
  std::optional<ModelName> from;
  std::optional<Digest> model_blob;  // the one GGUF of "files"
  CreateSpec spec;
  // "quantize": the model is stored quantized to this type.
  std::optional<QuantizationType> quantize;
  bool stream = true;
};

struct OllamaCopy {
  ModelName source;
  ModelName destination;
};

struct OllamaPull {
  std::string model;  // checked with ParseModelName; passed to ModelPuller as text
  bool stream = true;
  // Ollama's "insecure": plain http to a registry other than the default
  // (one's own, during development); the server's --insecure allows it always.
  bool insecure = false;
};

// The name field of show/delete: "model", or Ollama's older "name".
StatusOr<ModelName> ModelOrNameField(const nlohmann::json& body);

StatusOr<OllamaShow> ParseOllamaShow(const nlohmann::json& body);
// Errors also: "quantize" (FailedPrecondition: use `hearth quantize`), the
// legacy "modelfile" text, "adapters", and "files" with no or several GGUF
// files (InvalidArgument).
StatusOr<OllamaCreate> ParseOllamaCreate(const nlohmann::json& body);
StatusOr<OllamaCopy> ParseOllamaCopy(const nlohmann::json& body);
StatusOr<OllamaPull> ParseOllamaPull(const nlohmann::json& body);

// Ollama's "parameters" object (numbers, booleans, strings, arrays of those)
// as ModelParameters text values; validated later by the store.
StatusOr<ModelParameters> ParametersField(const nlohmann::json& body);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_OLLAMA_ADMIN_REQUESTS_H_
