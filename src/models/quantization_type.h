// The weight quantization types hearth offers: the targets of `hearth
// quantize` and the rows of `hearth doctor`'s table, with the numbers both
// need (llama.cpp's file type, average bits per weight).
//
// Bits per weight are the averages of llama.cpp's mixtures on a Llama-shaped
// model, scales included: q4_0 4.5, q4_K_M ~4.85, q5_K_M ~5.7, q6_K 6.56,
// q8_0 8.5, f16 16. A model's real size differs a little (norms stay F32,
// some tensors get a larger type in the K mixtures).
//
// Thread-safety: constant tables and pure functions.
//
// Example:
//   ASSIGN_OR_RETURN(QuantizationType type, ParseQuantizeTarget("q4_K_M"));
//   const QuantizationTypeInfo& info = GetQuantizationTypeInfo(type);
//   uint64_t bytes = EstimateWeightBytes(8'000'000'000, type);  // ~4.85 GB
#ifndef HEARTH_MODELS_QUANTIZATION_TYPE_H_
#define HEARTH_MODELS_QUANTIZATION_TYPE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

// In increasing order of size and quality.
enum class QuantizationType { kQ4_0, kQ4_K_M, kQ5_K_M, kQ6_K, kQ8_0, kF16 };

struct QuantizationTypeInfo {
  QuantizationType type;
  // As users write it and llama-quantize names it: "q4_K_M".
  std::string_view name;
  // llama.cpp's llama_ftype (general.file_type of the result).
  uint32_t llama_file_type;
  double bits_per_weight;
  // True for the types `hearth quantize --type` accepts (f16 is not one).
  bool quantize_target;
};

// Every type, smallest first.
std::span<const QuantizationTypeInfo> AllQuantizationTypes();

const QuantizationTypeInfo& GetQuantizationTypeInfo(QuantizationType type);

// A `--type` value: one of the quantize targets, in any ASCII case
// ("Q8_0", "q4_k_m"). Errors: InvalidArgument quoting `name` and listing the
// valid types ("'q3' is not a quantization type hearth offers; use one of
// q4_0, q4_K_M, q5_K_M, q6_K, q8_0").
StatusOr<QuantizationType> ParseQuantizeTarget(std::string_view name);

// "q4_0, q4_K_M, q5_K_M, q6_K, q8_0".
std::string QuantizeTargetList();

// The weights of a model with `parameters` parameters stored as `type`.
uint64_t EstimateWeightBytes(uint64_t parameters, QuantizationType type);

}  // namespace hearth

#endif  // HEARTH_MODELS_QUANTIZATION_TYPE_H_
