// Reads and checks the tensor descriptions of a GGUF file and where their
// data lies, for ReadGgufFile (models/gguf_file.h).
//
// Thread-safety: pure functions over the caller's cursor and summary.
//
// Example:
//   ASSIGN_OR_RETURN(summary.tensors, ReadTensorInfos(cursor, summary, limits));
//   RETURN_IF_ERROR(CheckTensorData(cursor, summary));

#ifndef HEARTH_MODELS_GGUF_TENSOR_READER_H_
#define HEARTH_MODELS_GGUF_TENSOR_READER_H_

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "models/gguf_cursor.h"
#include "models/gguf_file.h"
#include "models/gguf_summary.h"

namespace hearth::internal {

// ggml's GGML_MAX_DIMS, and GGML_MAX_NAME less its terminating NUL.
inline constexpr uint32_t kMaxTensorDims = 4;
inline constexpr uint64_t kMaxTensorNameBytes = 63;

// Reads summary.tensor_count tensor descriptions at the cursor, checking each
// (see gguf_file.h) against summary.alignment. Errors: InvalidArgument for a
// malformed description, FailedPrecondition for an unknown tensor type.
StatusOr<std::vector<GgufTensorInfo>> ReadTensorInfos(GgufCursor& cursor,
                                                      const GgufSummary& summary,
                                                      const GgufLimits& limits);

// With the cursor just past the tensor descriptions: sets data_offset,
// parameter_count and tensor_bytes, after checking that every tensor's data
// lies inside the file and that no two overlap. InvalidArgument otherwise.
Status CheckTensorData(const GgufCursor& cursor, GgufSummary& summary);

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_GGUF_TENSOR_READER_H_
