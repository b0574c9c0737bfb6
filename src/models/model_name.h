// Model names: Ollama's model references, parsed, checked and normalized.
//
// A model is named as Ollama names it,
//
//   [host[:port]/][namespace/]model[:tag]
//
// with the defaults host "registry.ollama.ai", namespace "library" and tag
// "latest". One '/'-separated part names a model, two a namespace and a
// model, three a host, a namespace and a model; the tag follows the last ':'
// when no '/' comes after it (a ':' before a '/' belongs to a host's port):
//
//   "llama3.2"                  registry.ollama.ai/library/llama3.2:latest
//   "myns/foo:q4_K_M"           registry.ollama.ai/myns/foo:q4_K_M
//   "localhost:5000/team/foo"   localhost:5000/team/foo:latest
//   "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"
//                               a GGUF repository on Hugging Face (IsHuggingFace),
//                               its tag naming the quantization
//
// Rules, per part (Ollama's, except where noted):
//   - every part is non-empty and starts with an ASCII letter, digit or '_';
//   - after that: ASCII letters, digits, '_', '-' and '.'; a namespace may not
//     contain '.'; a host may end in ":<port>" (port 1-65535; hearth checks
//     the number, Ollama only the characters);
//   - no part contains ".." (hearth's rule; Ollama's own parser allows it);
//   - a host is at most 255 bytes (hearth's limit: it becomes one directory
//     name, and file systems allow 255; Ollama allows 350, more than any DNS
//     name needs), every other part at most 80 bytes;
//   - at most three '/'-separated parts; no URL scheme ("https://"), no
//     "@digest" suffix.
// So no part can be "." or "..", hold a '/', a '\', a control character or a
// non-ASCII lookalike, and a name's manifest path always stays inside the
// manifests directory. Every rejection is InvalidArgument with a message that
// quotes the input (escaped for display) and says which rule it broke.
//
// Case: a name keeps the case it was written in (DisplayName and FullName show
// it, and requests to a registry use it; Hugging Face repositories are named
// with mixed case). Names compare ASCII-case-insensitively, as Ollama compares
// them: operator== and Key() ignore case, and ManifestPathParts() is lower
// case, so "Llama3:Q4" and "llama3:q4" are one model with one manifest file on
// every file system.
//
// Example:
//   ASSIGN_OR_RETURN(ModelName name, ParseModelName(request.model));
//   ASSIGN_OR_RETURN(std::filesystem::path manifest,
//                    SafeJoin(models_dir, name.ManifestPath()));
//
// Thread-safety: ModelName is an immutable value; ParseModelName is a pure
// function.

#ifndef HEARTH_MODELS_MODEL_NAME_H_
#define HEARTH_MODELS_MODEL_NAME_H_

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

inline constexpr std::string_view kDefaultModelHost = "registry.ollama.ai";
inline constexpr std::string_view kDefaultModelNamespace = "library";
inline constexpr std::string_view kDefaultModelTag = "latest";

// A checked, complete model name: every part present and valid. Only
// ParseModelName makes one.
class ModelName {
 public:
  // The parts, in the case they were written in; defaults filled in.
  const std::string& host() const { return host_; }
  const std::string& namespace_name() const { return namespace_; }
  const std::string& model() const { return model_; }
  const std::string& tag() const { return tag_; }

  // "host/namespace/model:tag", e.g. "registry.ollama.ai/library/llama3.2:latest".
  std::string FullName() const;

  // The short form `ollama list` shows: the default host and namespace are
  // left out, the tag never is. "llama3.2:latest", "myns/foo:q4",
  // "localhost:5000/library/foo:latest" (a host is shown with its namespace).
  std::string DisplayName() const;

  // FullName() in lower case: equal for exactly the names that are equal.
  std::string Key() const;

  // host, namespace, model, tag in lower case: the directories and file name
  // of the manifest below the store's "manifests" directory.
  std::array<std::string, 4> ManifestPathParts() const;

  // "manifests/<host>/<namespace>/<model>/<tag>" from ManifestPathParts(), a
  // relative path to join onto the models directory with SafeJoin.
  std::string ManifestPath() const;

  // True for a Hugging Face repository (host hf.co or huggingface.co).
  bool IsHuggingFace() const;

  // Case-insensitive, as Key().
  friend bool operator==(const ModelName& a, const ModelName& b) { return a.Key() == b.Key(); }

 private:
  friend StatusOr<ModelName> ParseModelName(std::string_view text);
  ModelName() = default;

  std::string host_;
  std::string namespace_;
  std::string model_;
  std::string tag_;
};

// Parses `text` into a ModelName, filling in the defaults for missing parts.
// Errors: InvalidArgument naming the input and the rule it broke (see above).
StatusOr<ModelName> ParseModelName(std::string_view text);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_NAME_H_
