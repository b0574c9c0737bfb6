// The model store: installed models under $HEARTH_HOME/models, laid out as
// Ollama lays out ~/.ollama/models, so a user can point either at the other:
//
//   models/blobs/sha256-<hex>                             content (BlobStore)
//   models/manifests/<host>/<namespace>/<model>/<tag>     one manifest per name
//
// A name is installed when its manifest exists and every blob the manifest
// names is stored. Manifests are written to a temporary file, fsynced and
// renamed, so a crash never leaves a half-written manifest; blobs are written
// the same way (store/blob_store.h). Nothing is added to the store unless the
// whole operation succeeds: a GGUF that fails pre-validation, a missing
// source, a digest mismatch all leave the store as it was.
//
// Blob garbage: Remove deletes the manifest, then every blob of it that no
// remaining manifest references (as `ollama rm` does). Blobs that no manifest
// names yet (a pull in progress writes its blobs before its manifest) are
// left alone. When some remaining manifest cannot be read, nothing is
// collected (it might reference any blob) and a warning is logged.
//
// Thread-safety: thread-safe. Mutations (Create, PutManifest, Remove, Copy)
// are serialized by an internal mutex; readers see either the old or the new
// manifest, never a partial one. Two processes sharing one store are safe for
// readers; concurrent writers in two processes are not supported.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store,
//                    ModelStore::Open({.root = home / "models"}));
//   ASSIGN_OR_RETURN(ModelName name, ParseModelName("stories"));
//   ASSIGN_OR_RETURN(ModelEntry entry, store->Create(name, {.from = "stories260K.gguf"}));
//   ASSIGN_OR_RETURN(ResolvedModel model, store->Resolve(name));
//   // model.model_path is the GGUF blob to load.
#ifndef HEARTH_MODELS_MODEL_STORE_H_
#define HEARTH_MODELS_MODEL_STORE_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/gguf_summary.h"
#include "models/model_details.h"
#include "models/model_manifest.h"
#include "models/model_name.h"
#include "models/model_parameters.h"
#include "store/blob_store.h"
#include "store/digest.h"

namespace hearth {

struct ModelStoreOptions {
  // $HEARTH_HOME/models. Created (mode 0700) when missing.
  std::filesystem::path root;
};

// Where a remote provider serves a model (instead of a local GGUF).
struct RemoteModel {
  // "openai" (an OpenAI-compatible /v1 API) or "ollama" (an Ollama /api).
  std::string api;
  // Base URL, e.g. "http://gpu-box:11434" or "https://host/v1".
  std::string base_url;
  // The model's name at the provider.
  std::string model;
  // Optional: the name of an environment variable holding the API key (the
  // key itself is never written to the store).
  std::string api_key_env;
};

// What to create. Exactly one of `from_file`, `from_model`, `remote` is set.
struct CreateSpec {
  // A GGUF file to import (copied into the blob store after validation).
  std::optional<std::filesystem::path> from_file;
  // An installed model to derive from (its layers are shared, not copied).
  std::optional<ModelName> from_model;
  std::optional<RemoteModel> remote;
  // Overrides of the base's layers; nullopt keeps what the base has.
  std::optional<std::string> template_text;
  std::optional<std::string> system;
  std::optional<std::string> license;
  // Merged over the base's parameters.
  ModelParameters parameters;
};

struct ModelEntry {
  ModelName name;
  Digest manifest_digest;  // sha256 of the manifest file (Ollama's "digest")
  uint64_t size = 0;       // bytes of all layers
  std::chrono::system_clock::time_point modified;
  ModelDetails details;
};

// Everything needed to load and use an installed model.
struct ResolvedModel {
  ModelEntry entry;
  ModelManifest manifest;
  // The GGUF blob; empty for a remote model.
  std::filesystem::path model_path;
  std::optional<Digest> model_digest;
  // The validated GGUF's summary (metadata, tensors); nullopt for remote.
  std::optional<GgufSummary> gguf;
  std::optional<RemoteModel> remote;
  std::string template_text;  // the template layer, else the GGUF's chat template, else ""
  std::string system;
  std::string license;
  ModelParameters parameters;
};

class ModelStore {
 public:
  // Opens (creating) the store. Errors as BlobStore::Open.
  static StatusOr<std::unique_ptr<ModelStore>> Open(const ModelStoreOptions& options);

  ModelStore(const ModelStore&) = delete;
  ModelStore& operator=(const ModelStore&) = delete;
  ~ModelStore();

  // Creates (or replaces) `name` from `spec`. A GGUF file is pre-validated
  // (models/gguf_file.h) before it is copied. Errors: InvalidArgument for a
  // bad spec, a file that is not valid GGUF (the message names the problem),
  // an unknown parameter or a bad value; NotFound for a missing file or base
  // model; the file system's. On error the store is unchanged. The same
  // spec always gives the same manifest digest (no timestamps are stored).
  // Replacing a model removes the blobs only the old manifest used. A
  // base model's layers are shared, not copied; its parameters are merged
  // under spec.parameters, and an override of "" removes that layer.
  StatusOr<ModelEntry> Create(const ModelName& name, const CreateSpec& spec);

  // Every installed model, sorted by most recently modified first.
  // Manifests that do not parse or reference missing blobs are skipped with
  // a warning in the log.
  StatusOr<std::vector<ModelEntry>> List() const;

  // The installed model `name`. The GGUF blob is validated again with
  // ReadGgufFile (the header only) and entry.details recomputed from it.
  // Errors: NotFound ("model 'x' is not installed; 'hearth list' shows what
  // is, 'hearth pull x' fetches it"); FailedPrecondition or InvalidArgument
  // ("model 'x' is damaged ...") for a missing, wrong-sized or invalid blob.
  StatusOr<ResolvedModel> Resolve(const ModelName& name) const;

  // Installs `manifest_json` (as a registry sent it) under `name` after
  // checking that it parses and that every blob it names is stored with the
  // right size (a pull writes blobs first, the manifest last), and that the
  // model layer passes GGUF pre-validation. The bytes are stored as given,
  // so the manifest digest is the registry's. Errors: InvalidArgument for a
  // bad manifest or GGUF; FailedPrecondition for a missing or wrong-sized
  // blob.
  Status PutManifest(const ModelName& name, std::string_view manifest_json);

  // Deletes `name` and those of its blobs no other manifest references (see
  // "Blob garbage" above). Errors: NotFound when not installed.
  Status Remove(const ModelName& name);

  // Makes `to` name the same manifest as `from` (blobs are shared).
  // Errors: NotFound when `from` is not installed.
  Status Copy(const ModelName& from, const ModelName& to);

  BlobStore& blobs();
  const std::filesystem::path& root() const;

 private:
  class Impl;
  explicit ModelStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_STORE_H_
