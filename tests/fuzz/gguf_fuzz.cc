// Fuzzes GGUF pre-validation (models/gguf_file.h) with arbitrary bytes.
// Invariants: ParseGguf never crashes; it refuses with InvalidArgument or
// FailedPrecondition; and whatever it accepts is consistent: every tensor's
// data lies inside the input, aligned, and the totals add up.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "models/gguf_file.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckConsistent(const hearth::GgufSummary& summary, size_t size) {
  Check(summary.version == 2 || summary.version == 3);
  Check(summary.tensors.size() == summary.tensor_count);
  Check(summary.alignment != 0 && (summary.alignment & (summary.alignment - 1)) == 0);
  Check(summary.data_offset % summary.alignment == 0);
  uint64_t parameters = 0, bytes = 0;
  for (const hearth::GgufTensorInfo& tensor : summary.tensors) {
    Check(tensor.offset % summary.alignment == 0);
    Check(summary.data_offset + tensor.offset + tensor.size_bytes <= size);
    Check(tensor.dims.size() <= 4 && tensor.name.size() <= 63);
    parameters += tensor.element_count();
    bytes += tensor.size_bytes;
  }
  Check(parameters == summary.parameter_count && bytes == summary.tensor_bytes);
  Check(bytes <= size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto summary = hearth::ParseGguf(std::span<const uint8_t>(data, size));
  if (summary.ok()) {
    CheckConsistent(*summary, size);
    return 0;
  }
  const hearth::StatusCode code = summary.status().code();
  Check(code == hearth::StatusCode::kInvalidArgument ||
        code == hearth::StatusCode::kFailedPrecondition);
  return 0;
}
