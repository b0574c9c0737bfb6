#include "models/gguf_tensor_reader.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_set>

#include "base/status_macros.h"
#include "models/checked_math.h"
#include "models/gguf_errors.h"
#include "models/gguf_types.h"

namespace hearth::internal {
namespace {

// ggml counts elements in int64_t; a shape must fit in it.
constexpr uint64_t kMaxElements = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

std::string ShapeText(const std::vector<uint64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) text += ", ";
    text += FormatCount(dims[i]);
  }
  return text + "]";
}

class TensorInfoReader {
 public:
  TensorInfoReader(GgufCursor& cursor, const GgufSummary& summary, const GgufLimits& limits)
      : cursor_(cursor), alignment_(summary.alignment), limits_(limits) {}

  StatusOr<GgufTensorInfo> Read(uint64_t index);

 private:
  Status ReadName(uint64_t index, GgufTensorInfo& tensor);
  Status ReadShape(GgufTensorInfo& tensor, uint64_t* elements);
  Status ReadType(GgufTensorInfo& tensor, uint64_t elements);
  Status ReadOffset(GgufTensorInfo& tensor);
  std::string Name(const GgufTensorInfo& tensor) const { return QuoteName(tensor.name); }

  GgufCursor& cursor_;
  uint32_t alignment_;
  const GgufLimits& limits_;
  std::unordered_set<std::string> names_;
};

StatusOr<GgufTensorInfo> TensorInfoReader::Read(uint64_t index) {
  GgufTensorInfo tensor;
  uint64_t elements = 0;
  RETURN_IF_ERROR(ReadName(index, tensor));
  RETURN_IF_ERROR(ReadShape(tensor, &elements));
  RETURN_IF_ERROR(ReadType(tensor, elements));
  RETURN_IF_ERROR(ReadOffset(tensor));
  return tensor;
}

Status TensorInfoReader::ReadName(uint64_t index, GgufTensorInfo& tensor) {
  const uint64_t start = cursor_.position();
  const auto where = [&] { return " (at byte " + FormatCount(start) + ")"; };
  ASSIGN_OR_RETURN(tensor.name, cursor_.ReadString(limits_.max_string_bytes, [&] {
    return "the name of tensor " + FormatCount(index);
  }));
  if (tensor.name.size() > kMaxTensorNameBytes) {
    return cursor_.Malformed("the name of tensor " + FormatCount(index) + ", " + Name(tensor) +
                             ", is " + FormatCount(tensor.name.size()) +
                             " bytes long; ggml allows at most " +
                             std::to_string(kMaxTensorNameBytes) + where());
  }
  if (!names_.insert(tensor.name).second) {
    return cursor_.Malformed("two tensors are named " + Name(tensor) + where());
  }
  return OkStatus();
}

Status TensorInfoReader::ReadShape(GgufTensorInfo& tensor, uint64_t* elements) {
  ASSIGN_OR_RETURN(uint32_t n_dims, cursor_.ReadU32([&] {
    return "the dimension count of tensor " + Name(tensor);
  }));
  if (n_dims > kMaxTensorDims) {
    return cursor_.Malformed("tensor " + Name(tensor) + " has " + FormatCount(n_dims) +
                             " dimensions; ggml allows at most " + std::to_string(kMaxTensorDims));
  }
  *elements = 1;
  for (uint32_t d = 0; d < n_dims; ++d) {
    ASSIGN_OR_RETURN(uint64_t dim, cursor_.ReadU64([&] {
      return "dimension " + std::to_string(d) + " of tensor " + Name(tensor);
    }));
    tensor.dims.push_back(dim);
    if (dim == 0) {
      return cursor_.Malformed("dimension " + std::to_string(d) + " of tensor " + Name(tensor) +
                               " is 0");
    }
    if (!CheckedMul(*elements, dim, elements) || *elements > kMaxElements) {
      return cursor_.Malformed("tensor " + Name(tensor) + " has shape " + ShapeText(tensor.dims) +
                               ", more elements than ggml can count");
    }
  }
  return OkStatus();
}

Status TensorInfoReader::ReadType(GgufTensorInfo& tensor, uint64_t elements) {
  ASSIGN_OR_RETURN(tensor.type,
                   cursor_.ReadU32([&] { return "the type of tensor " + Name(tensor); }));
  const GgmlTypeInfo* type = FindGgmlType(tensor.type);
  if (type == nullptr) {
    return cursor_.Unsupported("tensor " + Name(tensor) + " has ggml type " +
                               std::to_string(tensor.type) +
                               ", which this hearth does not know (a type newer than its "
                               "llama.cpp, one llama.cpp removed, or a corrupted file)");
  }
  const uint64_t row = tensor.dims.empty() ? 1 : tensor.dims[0];
  if (row % type->block_size != 0) {
    return cursor_.Malformed("tensor " + Name(tensor) + " of type " + std::string(type->name) +
                             " has rows of " + FormatCount(row) +
                             " elements, not a multiple of the type's block size " +
                             std::to_string(type->block_size));
  }
  if (!CheckedMul(elements / type->block_size, type->type_size, &tensor.size_bytes)) {
    return cursor_.Malformed("tensor " + Name(tensor) + " has shape " + ShapeText(tensor.dims) +
                             ", more bytes than any file holds");
  }
  return OkStatus();
}

Status TensorInfoReader::ReadOffset(GgufTensorInfo& tensor) {
  ASSIGN_OR_RETURN(tensor.offset,
                   cursor_.ReadU64([&] { return "the data offset of tensor " + Name(tensor); }));
  if (tensor.offset % alignment_ != 0) {
    return cursor_.Malformed("tensor " + Name(tensor) + " has data offset " +
                             FormatCount(tensor.offset) + ", not a multiple of the alignment " +
                             std::to_string(alignment_));
  }
  return OkStatus();
}

// Checks that tensors, in the order of their offsets, do not overlap.
Status CheckNoOverlap(const GgufCursor& cursor, const std::vector<GgufTensorInfo>& tensors) {
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return tensors[a].offset < tensors[b].offset; });
  for (size_t i = 1; i < order.size(); ++i) {
    const GgufTensorInfo& before = tensors[order[i - 1]];
    const GgufTensorInfo& after = tensors[order[i]];
    // Both extents were checked to lie inside the file: no overflow.
    const uint64_t before_end = before.offset + before.size_bytes;
    if (before_end > after.offset) {
      return cursor.Malformed("the data of tensors " + QuoteName(before.name) + " (bytes " +
                              FormatCount(before.offset) + " to " + FormatCount(before_end) +
                              " of the data region) and " + QuoteName(after.name) + " (from byte " +
                              FormatCount(after.offset) + ") overlap");
    }
  }
  return OkStatus();
}

// Checks that `tensor`'s data lies inside the file.
Status CheckExtent(const GgufCursor& cursor, const GgufSummary& summary,
                   const GgufTensorInfo& tensor) {
  uint64_t start = 0, end = 0;
  if (!CheckedAdd(summary.data_offset, tensor.offset, &start) ||
      !CheckedAdd(start, tensor.size_bytes, &end)) {
    return cursor.Malformed("tensor " + QuoteName(tensor.name) + " has data offset " +
                            FormatCount(tensor.offset) + ", beyond the size of any file");
  }
  if (end > summary.file_size) {
    return cursor.Malformed("tensor " + QuoteName(tensor.name) + " ends at byte " +
                            FormatCount(end) + " but the file has " +
                            FormatCount(summary.file_size) + " bytes (truncated download?)");
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<GgufTensorInfo>> ReadTensorInfos(GgufCursor& cursor,
                                                      const GgufSummary& summary,
                                                      const GgufLimits& limits) {
  TensorInfoReader reader(cursor, summary, limits);
  std::vector<GgufTensorInfo> tensors;
  for (uint64_t i = 0; i < summary.tensor_count; ++i) {
    ASSIGN_OR_RETURN(GgufTensorInfo tensor, reader.Read(i));
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

Status CheckTensorData(const GgufCursor& cursor, GgufSummary& summary) {
  if (!CheckedAlignUp(cursor.position(), summary.alignment, &summary.data_offset)) {
    return cursor.Malformed("the tensor data cannot start at an aligned offset");
  }
  if (!summary.tensors.empty() && summary.data_offset > summary.file_size) {
    return cursor.Malformed("the tensor data should start at byte " +
                            FormatCount(summary.data_offset) + " but the file has " +
                            FormatCount(summary.file_size) + " bytes (truncated download?)");
  }
  for (const GgufTensorInfo& tensor : summary.tensors)
    RETURN_IF_ERROR(CheckExtent(cursor, summary, tensor));
  RETURN_IF_ERROR(CheckNoOverlap(cursor, summary.tensors));
  for (const GgufTensorInfo& tensor : summary.tensors) {
    if (!CheckedAdd(summary.parameter_count, tensor.element_count(), &summary.parameter_count) ||
        !CheckedAdd(summary.tensor_bytes, tensor.size_bytes, &summary.tensor_bytes)) {
      return cursor.Malformed("its tensors hold more elements than can be counted");
    }
  }
  return OkStatus();
}

}  // namespace hearth::internal
