#include "models/model_details.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "models/gguf_types.h"

namespace hearth {
namespace {

constexpr double kThousand = 1e3;
constexpr double kMillion = 1e6;
constexpr double kBillion = 1e9;
constexpr double kTrillion = 1e12;

std::string FormatScaled(double value, int decimals, char unit) {
  char buffer[64];
  if (value == std::floor(value)) decimals = 0;
  std::snprintf(buffer, sizeof(buffer), "%.*f%c", decimals, value, unit);
  return buffer;
}

std::string UpperCase(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

// The ggml type holding the most bytes among the weight matrices (tensors of
// two or more dimensions: norms and biases stay F32 in quantized files).
std::string DominantTensorType(const GgufSummary& gguf) {
  std::map<uint32_t, uint64_t> bytes_by_type;
  for (const GgufTensorInfo& tensor : gguf.tensors) {
    if (tensor.dims.size() >= 2) bytes_by_type[tensor.type] += tensor.size_bytes;
  }
  if (bytes_by_type.empty()) {
    for (const GgufTensorInfo& tensor : gguf.tensors) {
      bytes_by_type[tensor.type] += tensor.size_bytes;
    }
  }
  if (bytes_by_type.empty()) return "";
  const auto most =
      std::max_element(bytes_by_type.begin(), bytes_by_type.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  const GgmlTypeInfo* info = FindGgmlType(most->first);
  return info == nullptr ? "" : UpperCase(info->name);
}

uint64_t ParameterCount(const GgufSummary& gguf) {
  if (gguf.parameter_count > 0) return gguf.parameter_count;
  return gguf.GetUint("general.parameter_count").value_or(0);
}

}  // namespace

std::string FormatParameterCount(uint64_t count) {
  const auto value = static_cast<double>(count);
  if (value >= kTrillion) return FormatScaled(value / kTrillion, 1, 'T');
  if (value >= kBillion) return FormatScaled(value / kBillion, 1, 'B');
  if (value >= kMillion) return FormatScaled(value / kMillion, 2, 'M');
  if (value >= kThousand) return FormatScaled(std::round(value / kThousand), 0, 'K');
  return std::to_string(count);
}

std::string QuantizationLevel(const GgufSummary& gguf) {
  if (std::optional<uint64_t> file_type = gguf.file_type(); file_type && *file_type <= UINT32_MAX) {
    if (auto name = LlamaFileTypeName(static_cast<uint32_t>(*file_type))) return std::string(*name);
  }
  return DominantTensorType(gguf);
}

ModelDetails DetailsFromGguf(const GgufSummary& gguf) {
  ModelDetails details;
  details.family = std::string(gguf.architecture());
  if (!details.family.empty()) details.families = {details.family};
  const uint64_t parameters = ParameterCount(gguf);
  if (parameters > 0) details.parameter_size = FormatParameterCount(parameters);
  details.quantization_level = QuantizationLevel(gguf);
  return details;
}

}  // namespace hearth
