#include "server/uploaded_gguf.h"

#include "base/status_macros.h"
#include "models/gguf_file.h"

namespace hearth::internal {

StatusOr<UploadedGguf> FindUploadedGguf(ModelStore& store, const Digest& digest) {
  if (!store.blobs().Contains(digest)) {
    return InvalidArgumentError("blob " + digest.ToString() +
                                " is not uploaded; send it with POST /api/blobs/" +
                                digest.ToString() + " first");
  }
  ASSIGN_OR_RETURN(std::filesystem::path path, store.blobs().PathOf(digest));
  ASSIGN_OR_RETURN(GgufSummary gguf,
                   ReadGgufFile(path, {}, "the uploaded blob " + digest.ToString()));
  return UploadedGguf{std::move(path), std::move(gguf)};
}

}  // namespace hearth::internal
