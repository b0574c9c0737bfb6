#include "server/uploaded_gguf.h"

#include <string>

#include "base/status_macros.h"
#include "models/gguf_file.h"

namespace hearth::internal {
namespace {

// `message` with every `path` replaced by `name`.
std::string Renamed(std::string message, const std::string& path, const std::string& name) {
  if (path.empty()) return message;
  for (size_t at = message.find(path); at != std::string::npos; at = message.find(path, at)) {
    message.replace(at, path.size(), name);
    at += name.size();
  }
  return message;
}

}  // namespace

StatusOr<UploadedGguf> FindUploadedGguf(ModelStore& store, const Digest& digest) {
  if (!store.blobs().Contains(digest)) {
    return InvalidArgumentError("blob " + digest.ToString() +
                                " is not uploaded; send it with POST /api/blobs/" +
                                digest.ToString() + " first");
  }
  ASSIGN_OR_RETURN(std::filesystem::path path, store.blobs().PathOf(digest));
  StatusOr<GgufSummary> gguf = ReadGgufFile(path);
  if (!gguf.ok()) {
    const std::string name = "the uploaded blob " + digest.ToString();
    return Status(gguf.status().code(), Renamed(gguf.status().message(), path.string(), name));
  }
  return UploadedGguf{std::move(path), *std::move(gguf)};
}

}  // namespace hearth::internal
