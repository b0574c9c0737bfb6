// The GGUF blob that POST /api/create's "files" names: uploaded, and a valid
// GGUF. Errors name the blob by its digest, never by its path on the
// server's disk: InvalidArgument when it is not uploaded (saying how to send
// it) or not a valid GGUF (the reader's reason), and the reader's
// FailedPrecondition for a GGUF this hearth cannot use. Internal to server/.
//
// Thread-safety: as BlobStore.
#ifndef HEARTH_SERVER_UPLOADED_GGUF_H_
#define HEARTH_SERVER_UPLOADED_GGUF_H_

#include <filesystem>

#include "base/status.h"
#include "models/gguf_summary.h"
#include "models/model_store.h"
#include "store/digest.h"

namespace hearth::internal {

struct UploadedGguf {
  std::filesystem::path path;
  GgufSummary gguf;
};

StatusOr<UploadedGguf> FindUploadedGguf(ModelStore& store, const Digest& digest);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_UPLOADED_GGUF_H_
