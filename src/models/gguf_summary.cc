#include "models/gguf_summary.h"

#include <algorithm>
#include <array>

namespace hearth {

uint64_t GgufTensorInfo::element_count() const {
  // The reader refused any shape whose product overflows.
  uint64_t count = 1;
  for (uint64_t dim : dims) count *= dim;
  return count;
}

const GgufValue* GgufSummary::Find(std::string_view key) const {
  auto it = metadata.find(key);
  return it == metadata.end() ? nullptr : &it->second;
}

std::optional<std::string_view> GgufSummary::GetString(std::string_view key) const {
  const GgufValue* value = Find(key);
  if (value == nullptr || value->AsString() == nullptr) return std::nullopt;
  return *value->AsString();
}

std::optional<uint64_t> GgufSummary::GetUint(std::string_view key) const {
  const GgufValue* value = Find(key);
  return value == nullptr ? std::nullopt : value->AsUint();
}

std::string_view GgufSummary::architecture() const {
  return GetString("general.architecture").value_or("");
}

bool GgufSummary::IsEncoderOnly() const {
  static constexpr std::array<std::string_view, 11> kEncoderOnlyArchitectures = {
      "bert",     "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "modern-bert",
      "neo-bert", "eurobert",   "t5encoder",      "roberta",      "xlm-roberta"};
  const std::string_view arch = architecture();
  if (std::find(kEncoderOnlyArchitectures.begin(), kEncoderOnlyArchitectures.end(), arch) !=
      kEncoderOnlyArchitectures.end()) {
    return true;
  }
  const GgufValue* causal = Find(std::string(arch) + ".attention.causal");
  return causal != nullptr && causal->As<bool>() != nullptr && !*causal->As<bool>();
}

bool GgufSummary::IsEmbeddingModel() const {
  return IsEncoderOnly() || GetArchUint("pooling_type").has_value();
}

std::optional<uint64_t> GgufSummary::GetArchUint(std::string_view suffix) const {
  const std::string_view arch = architecture();
  if (arch.empty()) return std::nullopt;
  std::string key(arch);
  key += '.';
  key += suffix;
  return GetUint(key);
}

std::optional<std::string_view> GgufSummary::chat_template() const {
  return GetString("tokenizer.chat_template");
}

}  // namespace hearth
