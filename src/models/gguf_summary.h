// GgufSummary: what a validated GGUF file holds, as ReadGgufFile
// (models/gguf_file.h) reports it: the metadata (architecture, shape,
// tokenizer, chat template, licence) and every tensor's shape, type and byte
// extent. `hearth show` prints it; the memory planner sums tensor sizes.
//
// A summary comes only from a file that passed every check, so its numbers
// are consistent: tensor extents lie inside the file, parameter_count and
// tensor_bytes did not overflow.
//
// Thread-safety: a value type; const methods may be called concurrently.
//
// Example:
//   ASSIGN_OR_RETURN(GgufSummary gguf, ReadGgufFile(path));
//   std::cout << gguf.architecture() << ", " << gguf.parameter_count << " parameters, context "
//             << gguf.GetArchUint("context_length").value_or(0) << "\n";

#ifndef HEARTH_MODELS_GGUF_SUMMARY_H_
#define HEARTH_MODELS_GGUF_SUMMARY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/gguf_value.h"

namespace hearth {

// One tensor as the file describes it.
struct GgufTensorInfo {
  std::string name;
  // Elements per dimension, innermost (the row length) first; 0 to 4 entries.
  std::vector<uint64_t> dims;
  // The ggml type id; FindGgmlType(type) knows it.
  uint32_t type = 0;
  // Where the data starts, relative to GgufSummary::data_offset.
  uint64_t offset = 0;
  // The data's size: elements / block_size * type_size.
  uint64_t size_bytes = 0;

  // The product of dims (1 for a tensor without dimensions).
  uint64_t element_count() const;
};

struct GgufSummary {
  // The GGUF version: 2 or 3.
  uint32_t version = 0;
  uint64_t tensor_count = 0;
  // Every metadata entry by key.
  std::map<std::string, GgufValue, std::less<>> metadata;
  // The tensors in file order.
  std::vector<GgufTensorInfo> tensors;
  // Where the tensor data region starts in the file: the end of the tensor
  // descriptions rounded up to the alignment. (A file without tensors need
  // not extend that far.)
  uint64_t data_offset = 0;
  // `general.alignment`, or GGUF's default of 32.
  uint32_t alignment = 32;
  // The size of the file (or of the bytes parsed).
  uint64_t file_size = 0;
  // The total number of elements over all tensors, as llama.cpp counts a
  // model's parameters.
  uint64_t parameter_count = 0;
  // The total size of all tensors' data (without alignment padding).
  uint64_t tensor_bytes = 0;

  // The value of `key`, or nullptr.
  const GgufValue* Find(std::string_view key) const;

  // The value of `key` when it is a string / a non-negative integer of any
  // width; nullopt when absent or of another type. The view lives as long as
  // this summary.
  std::optional<std::string_view> GetString(std::string_view key) const;
  std::optional<uint64_t> GetUint(std::string_view key) const;

  // `general.architecture` ("llama", "bert", ...), or "" when absent.
  std::string_view architecture() const;

  // True for encoder-only architectures (BERT and its kin: no causal
  // attention, no KV cache to speak of), by name or by
  // `<arch>.attention.causal` = false.
  bool IsEncoderOnly() const;
  // True for models that embed or rerank rather than generate: encoder-only
  // ones, and any model whose metadata names a pooling type.
  bool IsEmbeddingModel() const;

  // GetUint("<architecture>.<suffix>"), for the per-architecture keys:
  // "context_length", "embedding_length", "block_count",
  // "attention.head_count", "attention.head_count_kv", "feed_forward_length".
  // nullopt when absent or not a single integer (some models store per-layer
  // head counts as arrays).
  std::optional<uint64_t> GetArchUint(std::string_view suffix) const;

  // `general.file_type` (llama.cpp's llama_ftype; LlamaFileTypeName names it).
  std::optional<uint64_t> file_type() const { return GetUint("general.file_type"); }
  // `tokenizer.chat_template`, `general.license`, `general.name`.
  std::optional<std::string_view> chat_template() const;
  std::optional<std::string_view> license() const { return GetString("general.license"); }
  std::optional<std::string_view> name() const { return GetString("general.name"); }
};

}  // namespace hearth

#endif  // HEARTH_MODELS_GGUF_SUMMARY_H_
