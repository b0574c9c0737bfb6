#include "models/quantization_type.h"

#include <cmath>

#include "base/ascii.h"

namespace hearth {
namespace {

// llama_ftype values from llama.h, kept here so this header needs no llama.h.
constexpr QuantizationTypeInfo kTypes[] = {
    {QuantizationType::kQ4_0, "q4_0", 2, 4.5, true},
    {QuantizationType::kQ4_K_M, "q4_K_M", 15, 4.85, true},
    {QuantizationType::kQ5_K_M, "q5_K_M", 17, 5.7, true},
    {QuantizationType::kQ6_K, "q6_K", 18, 6.5625, true},
    {QuantizationType::kQ8_0, "q8_0", 7, 8.5, true},
    {QuantizationType::kF16, "f16", 1, 16.0, false},
};

}  // namespace

std::span<const QuantizationTypeInfo> AllQuantizationTypes() { return kTypes; }

const QuantizationTypeInfo& GetQuantizationTypeInfo(QuantizationType type) {
  return kTypes[static_cast<size_t>(type)];
}

StatusOr<QuantizationType> ParseQuantizeTarget(std::string_view name) {
  for (const QuantizationTypeInfo& info : kTypes) {
    if (info.quantize_target && EqualsIgnoreAsciiCase(info.name, name)) return info.type;
  }
  return InvalidArgumentError("'" + std::string(name) +
                              "' is not a quantization type hearth offers; use one of " +
                              QuantizeTargetList());
}

std::string QuantizeTargetList() {
  std::string list;
  for (const QuantizationTypeInfo& info : kTypes) {
    if (!info.quantize_target) continue;
    if (!list.empty()) list += ", ";
    list += info.name;
  }
  return list;
}

uint64_t EstimateWeightBytes(uint64_t parameters, QuantizationType type) {
  const double bits = GetQuantizationTypeInfo(type).bits_per_weight;
  return static_cast<uint64_t>(std::ceil(static_cast<double>(parameters) * bits / 8.0));
}

}  // namespace hearth
