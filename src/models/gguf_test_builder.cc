#include "models/gguf_test_builder.h"

#include <bit>

#include "models/gguf_types.h"

namespace hearth::testing {
namespace {

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

// The data size of a tensor; unknown types and absurd shapes get no data.
uint64_t TensorBytes(const std::vector<uint64_t>& dims, uint32_t type) {
  const GgmlTypeInfo* info = FindGgmlType(type);
  if (info == nullptr) return 0;
  uint64_t elements = 1;
  for (uint64_t dim : dims) {
    if (__builtin_mul_overflow(elements, dim, &elements)) return 0;
  }
  const uint64_t bytes = elements / info->block_size * info->type_size;
  return bytes > (uint64_t{1} << 24) ? 0 : bytes;
}

}  // namespace

void AppendU32(std::vector<uint8_t>& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void AppendU64(std::vector<uint8_t>& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void AppendGgufString(std::vector<uint8_t>& out, std::string_view text) {
  AppendU64(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

void PatchU32(std::vector<uint8_t>& bytes, size_t position, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) bytes.at(position + i) = static_cast<uint8_t>(value >> (8 * i));
}

void PatchU64(std::vector<uint8_t>& bytes, size_t position, uint64_t value) {
  for (size_t i = 0; i < 8; ++i) bytes.at(position + i) = static_cast<uint8_t>(value >> (8 * i));
}

GgufTestBuilder& GgufTestBuilder::Version(uint32_t version) {
  version_ = version;
  return *this;
}

GgufTestBuilder& GgufTestBuilder::Magic(std::string_view magic) {
  magic_ = std::string(magic);
  return *this;
}

GgufTestBuilder& GgufTestBuilder::AddRaw(std::string_view key, uint32_t type,
                                         std::vector<uint8_t> value) {
  entries_.push_back({std::string(key), type, std::move(value)});
  return *this;
}

GgufTestBuilder& GgufTestBuilder::AddString(std::string_view key, std::string_view value) {
  std::vector<uint8_t> bytes;
  AppendGgufString(bytes, value);
  return AddRaw(key, 8, std::move(bytes));
}

GgufTestBuilder& GgufTestBuilder::AddU32(std::string_view key, uint32_t value) {
  std::vector<uint8_t> bytes;
  AppendU32(bytes, value);
  return AddRaw(key, 4, std::move(bytes));
}

GgufTestBuilder& GgufTestBuilder::AddU64(std::string_view key, uint64_t value) {
  std::vector<uint8_t> bytes;
  AppendU64(bytes, value);
  return AddRaw(key, 10, std::move(bytes));
}

GgufTestBuilder& GgufTestBuilder::AddF32(std::string_view key, float value) {
  std::vector<uint8_t> bytes;
  AppendU32(bytes, std::bit_cast<uint32_t>(value));
  return AddRaw(key, 6, std::move(bytes));
}

GgufTestBuilder& GgufTestBuilder::AddBool(std::string_view key, bool value) {
  return AddRaw(key, 7, {static_cast<uint8_t>(value ? 1 : 0)});
}

GgufTestBuilder& GgufTestBuilder::AddStringArray(std::string_view key,
                                                 const std::vector<std::string>& values) {
  std::vector<uint8_t> bytes;
  AppendU32(bytes, 8);
  AppendU64(bytes, values.size());
  for (const std::string& value : values) AppendGgufString(bytes, value);
  return AddRaw(key, 9, std::move(bytes));
}

GgufTestBuilder& GgufTestBuilder::AddI32Array(std::string_view key,
                                              const std::vector<int32_t>& values) {
  std::vector<uint8_t> bytes;
  AppendU32(bytes, 5);
  AppendU64(bytes, values.size());
  for (int32_t value : values) AppendU32(bytes, static_cast<uint32_t>(value));
  return AddRaw(key, 9, std::move(bytes));
}

GgufTestBuilder& GgufTestBuilder::Alignment(uint32_t alignment) {
  alignment_ = alignment;
  return AddU32("general.alignment", alignment);
}

GgufTestBuilder& GgufTestBuilder::AddTensor(std::string_view name, std::vector<uint64_t> dims,
                                            uint32_t type, std::optional<uint64_t> offset) {
  const uint64_t size = TensorBytes(dims, type);
  const uint64_t at = offset.value_or(AlignUp(next_offset_, alignment_));
  if (!offset) next_offset_ = at + size;
  tensors_.push_back({std::string(name), std::move(dims), type, at, size});
  return *this;
}

GgufTestImage GgufTestBuilder::Build() const {
  GgufTestImage image;
  std::vector<uint8_t>& out = image.bytes;
  out.insert(out.end(), magic_.begin(), magic_.end());
  AppendU32(out, version_);
  AppendU64(out, tensors_.size());
  AppendU64(out, entries_.size());
  for (const Entry& entry : entries_) {
    image.metadata_positions.push_back(out.size());
    AppendGgufString(out, entry.key);
    AppendU32(out, entry.type);
    out.insert(out.end(), entry.value.begin(), entry.value.end());
  }
  for (const Tensor& tensor : tensors_) {
    image.tensor_positions.push_back(out.size());
    AppendGgufString(out, tensor.name);
    AppendU32(out, static_cast<uint32_t>(tensor.dims.size()));
    for (uint64_t dim : tensor.dims) AppendU64(out, dim);
    AppendU32(out, tensor.type);
    AppendU64(out, tensor.offset);
  }
  image.tensor_infos_end = out.size();
  image.data_offset = AlignUp(out.size(), alignment_);
  if (!tensors_.empty()) out.resize(image.data_offset + next_offset_, 0);
  return image;
}

}  // namespace hearth::testing
