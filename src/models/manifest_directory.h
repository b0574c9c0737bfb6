// ManifestDirectory: the model store's manifests/ tree, one file per model
// name at <root>/manifests/<host>/<namespace>/<model>/<tag> (lower case; see
// ModelName::ManifestPath). Every path is built with SafeJoin (base/paths.h)
// from a parsed ModelName, so no name can reach outside the tree.
//
// Writes are atomic and durable: the bytes go to a temporary file beside the
// target (named ".tmp-…", which no valid tag can be), are fsynced, renamed
// over the target, and the directory is fsynced. Readers see the old or the
// new file, never a partial one.
//
// The model store (models/model_store.h) is its only user and serializes
// writes; this class keeps no state besides its root.
//
// Thread-safety: thread-safe (no mutable state); concurrent writes to one
// name leave one of the writers' bytes.
#ifndef HEARTH_MODELS_MANIFEST_DIRECTORY_H_
#define HEARTH_MODELS_MANIFEST_DIRECTORY_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/model_name.h"

namespace hearth {

// One manifest file as read.
struct ManifestFile {
  std::string bytes;
  std::chrono::system_clock::time_point modified;
};

class ManifestDirectory {
 public:
  // Uses <root>/manifests, creating it (mode 0700) when missing. `root` must
  // exist. Errors: the file system's.
  static StatusOr<ManifestDirectory> Open(const std::filesystem::path& root);

  // The manifest of `name`. Errors: NotFound when there is none;
  // InvalidArgument when it is larger than kMaxManifestBytes or not a
  // regular file; the file system's.
  StatusOr<ManifestFile> Read(const ModelName& name) const;

  // Atomically replaces (or creates) the manifest of `name` with `bytes`.
  Status Write(const ModelName& name, std::string_view bytes);

  // Deletes the manifest of `name` and the directories it leaves empty.
  // Errors: NotFound when there is none; the file system's.
  Status Remove(const ModelName& name);

  // Every name with a manifest file, in path order. Files whose path is not
  // a valid lower-case model name (left by hand or by a newer program) are
  // skipped and described in `skipped`.
  std::vector<ModelName> ListNames(std::vector<std::string>* skipped) const;

 private:
  explicit ManifestDirectory(std::filesystem::path root);
  StatusOr<std::filesystem::path> PathOf(const ModelName& name) const;

  std::filesystem::path root_;  // canonical models root; manifests/ is below it
};

}  // namespace hearth

#endif  // HEARTH_MODELS_MANIFEST_DIRECTORY_H_
