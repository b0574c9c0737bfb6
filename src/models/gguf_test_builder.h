// GgufTestBuilder: writes small GGUF byte images for the GGUF reader's tests,
// including deliberately broken ones (raw metadata values, any offsets).
//
// Thread-safety: externally synchronized.
//
// Example:
//   GgufTestImage image = GgufTestBuilder()
//                             .AddString("general.architecture", "llama")
//                             .AddTensor("w", {4, 3})
//                             .Build();
//   StatusOr<GgufSummary> summary = ParseGguf(image.bytes);

#ifndef HEARTH_MODELS_GGUF_TEST_BUILDER_H_
#define HEARTH_MODELS_GGUF_TEST_BUILDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::testing {

// Little-endian encoders for hand-made GGUF fragments.
void AppendU32(std::vector<uint8_t>& out, uint32_t value);
void AppendU64(std::vector<uint8_t>& out, uint64_t value);
void AppendGgufString(std::vector<uint8_t>& out, std::string_view text);

// Overwrites the 4 or 8 bytes at `position` with `value`.
void PatchU32(std::vector<uint8_t>& bytes, size_t position, uint32_t value);
void PatchU64(std::vector<uint8_t>& bytes, size_t position, uint64_t value);

// A built image and where its parts start.
struct GgufTestImage {
  std::vector<uint8_t> bytes;
  std::vector<size_t> metadata_positions;  // where each entry's key starts
  std::vector<size_t> tensor_positions;    // where each tensor's name starts
  size_t tensor_infos_end = 0;             // just past the last tensor description
  size_t data_offset = 0;                  // where the tensor data region starts
};

class GgufTestBuilder {
 public:
  // Header fields; by default "GGUF", version 3 and the true counts.
  GgufTestBuilder& Version(uint32_t version);
  GgufTestBuilder& Magic(std::string_view magic);

  // A metadata entry of value type `type` whose encoded value is `value`.
  GgufTestBuilder& AddRaw(std::string_view key, uint32_t type, std::vector<uint8_t> value);
  GgufTestBuilder& AddString(std::string_view key, std::string_view value);
  GgufTestBuilder& AddU32(std::string_view key, uint32_t value);
  GgufTestBuilder& AddU64(std::string_view key, uint64_t value);
  GgufTestBuilder& AddF32(std::string_view key, float value);
  GgufTestBuilder& AddBool(std::string_view key, bool value);
  GgufTestBuilder& AddStringArray(std::string_view key, const std::vector<std::string>& values);
  GgufTestBuilder& AddI32Array(std::string_view key, const std::vector<int32_t>& values);
  // Adds `general.alignment` and pads the data region and offsets to it.
  GgufTestBuilder& Alignment(uint32_t alignment);

  // A tensor of ggml type `type` (0 = f32). Without `offset`, it follows the
  // previous such tensor at the next aligned offset and its data (zeros) is
  // added; with `offset`, the description says so and no data is added.
  GgufTestBuilder& AddTensor(std::string_view name, std::vector<uint64_t> dims, uint32_t type = 0,
                             std::optional<uint64_t> offset = std::nullopt);

  GgufTestImage Build() const;

 private:
  struct Entry {
    std::string key;
    uint32_t type;
    std::vector<uint8_t> value;
  };
  struct Tensor {
    std::string name;
    std::vector<uint64_t> dims;
    uint32_t type;
    uint64_t offset;
    uint64_t size;
  };

  std::string magic_ = "GGUF";
  uint32_t version_ = 3;
  uint32_t alignment_ = 32;
  uint64_t next_offset_ = 0;
  std::vector<Entry> entries_;
  std::vector<Tensor> tensors_;
};

}  // namespace hearth::testing

#endif  // HEARTH_MODELS_GGUF_TEST_BUILDER_H_
