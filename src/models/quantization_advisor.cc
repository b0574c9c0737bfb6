#include "models/quantization_advisor.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "base/ascii.h"
#include "base/posix_error.h"
#include "base/value_parsers.h"

namespace hearth {
namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;

// Common decoder shapes, for a model known only by its parameter count.
struct CommonShape {
  uint64_t parameters;
  uint32_t n_layer, n_embd, n_head, n_head_kv, n_ff, n_vocab, n_ctx_train;
};
constexpr CommonShape kCommonShapes[] = {
    {1'240'000'000, 16, 2048, 32, 8, 8192, 128256, 131072},    // Llama 3.2 1B
    {3'210'000'000, 28, 3072, 24, 8, 8192, 128256, 131072},    // Llama 3.2 3B
    {8'030'000'000, 32, 4096, 32, 8, 14336, 128256, 131072},   // Llama 3.1 8B
    {14'800'000'000, 48, 5120, 40, 8, 13824, 152064, 32768},   // Qwen2.5 14B
    {32'800'000'000, 64, 5120, 40, 8, 27648, 152064, 32768},   // Qwen2.5 32B
    {70'600'000'000, 80, 8192, 64, 8, 28672, 128256, 131072},  // Llama 3.1 70B
};

const CommonShape& NearestShape(uint64_t parameters) {
  const double target = std::log(static_cast<double>(std::max<uint64_t>(parameters, 1)));
  const CommonShape* best = &kCommonShapes[0];
  for (const CommonShape& shape : kCommonShapes) {
    if (std::abs(std::log(static_cast<double>(shape.parameters)) - target) <
        std::abs(std::log(static_cast<double>(best->parameters)) - target)) {
      best = &shape;
    }
  }
  return *best;
}

GgufSummary SyntheticSummary(const CommonShape& shape, uint64_t parameters) {
  GgufSummary gguf;
  auto put = [&gguf](const std::string& key, uint32_t value) {
    gguf.metadata.emplace(key, GgufValue(GgufValue::Storage(value)));
  };
  gguf.metadata.emplace("general.architecture", GgufValue(GgufValue::Storage(std::string("llama"))));
  put("llama.block_count", shape.n_layer);
  put("llama.embedding_length", shape.n_embd);
  put("llama.attention.head_count", shape.n_head);
  put("llama.attention.head_count_kv", shape.n_head_kv);
  put("llama.feed_forward_length", shape.n_ff);
  put("llama.context_length", shape.n_ctx_train);
  gguf.metadata.emplace("tokenizer.ggml.tokens",
                        GgufValue(GgufValue::Storage(GgufArray{
                            .element_type = GgufValueType::kString, .count = shape.n_vocab, .values = {}})));
  gguf.parameter_count = parameters;
  return gguf;
}

std::optional<QuantizationType> TypeOfFile(const GgufSummary& gguf) {
  const std::optional<uint64_t> file_type = gguf.file_type();
  if (!file_type) return std::nullopt;
  for (const QuantizationTypeInfo& info : AllQuantizationTypes()) {
    if (info.llama_file_type == *file_type) return info.type;
  }
  return std::nullopt;
}

std::string FormatParameters(uint64_t parameters) {
  std::ostringstream text;
  text.precision(parameters >= 10'000'000'000 ? 3 : 2);
  text << static_cast<double>(parameters) / 1e9 << "B";
  return text.str();
}

std::optional<uint64_t> MeminfoKiB(std::string_view text, std::string_view key) {
  const std::string prefix = std::string(key) + ":";
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with(prefix)) continue;
    std::istringstream fields(line.substr(prefix.size()));
    uint64_t value = 0;
    std::string unit;
    if (!(fields >> value >> unit) || unit != "kB") return std::nullopt;
    return value;
  }
  return std::nullopt;
}

AdviceRow MakeRow(const AdviceRequest& request, QuantizationType type, uint64_t companions) {
  GgufSummary gguf = request.model.gguf;
  if (request.model.stored_type != type) {
    gguf.tensor_bytes = EstimateWeightBytes(request.model.parameter_count, type);
  }
  ModelLoadOptions options;
  options.context_length = request.context_length;
  options.slots = request.slots;
  AdviceRow row{.type = type, .footprint = EstimateFootprint(gguf, options)};
  const uint64_t need = row.footprint.total() + companions;
  const auto headroom = static_cast<uint64_t>(static_cast<double>(request.budget) *
                                              request.headroom_fraction);
  row.fits = need <= request.budget;
  row.has_headroom = need + headroom <= request.budget;
  return row;
}

void Recommend(Advice& advice, const AdviceRequest& request) {
  for (auto row = advice.rows.rbegin(); row != advice.rows.rend(); ++row) {
    // Decoding on a CPU reads every weight once per token, so speed falls
    // with size; q8_0 is within measurement noise of f16 in quality at half
    // the bytes (FACTS: 16.1 vs 10.5 tokens/s on a 1B model here). f16 is
    // listed, never recommended.
    if (!row->has_headroom || row->type == QuantizationType::kF16) continue;
    advice.recommended = row->type;
    advice.explanation = std::string(GetQuantizationTypeInfo(row->type).name) +
                         " is the highest-quality type that fits with " +
                         std::to_string(static_cast<int>(request.headroom_fraction * 100)) +
                         "% of the budget to spare";
    if (advice.rows.back().has_headroom) {
      advice.explanation += "; f16 would fit too, but is never recommended: no better than q8_0, "
                            "and half as fast on a CPU";
    }
    return;
  }
  for (const AdviceRow& row : advice.rows) {
    if (!row.fits) continue;
    advice.recommended = row.type;
    advice.explanation = std::string(GetQuantizationTypeInfo(row.type).name) +
                         " fits, but with less than " +
                         std::to_string(static_cast<int>(request.headroom_fraction * 100)) +
                         "% of the budget to spare; a smaller context or model is safer";
    return;
  }
  advice.explanation = "no type fits: even " +
                       std::string(GetQuantizationTypeInfo(advice.rows.front().type).name) +
                       " needs " + FormatByteSize(advice.rows.front().footprint.total() +
                                                  advice.companions_bytes) +
                       " with the companions, over the " + FormatByteSize(request.budget) +
                       " budget; use a smaller model or context, or raise --budget";
}

}  // namespace

StatusOr<MachineMemory> ParseMeminfo(std::string_view text) {
  std::optional<uint64_t> total = MeminfoKiB(text, "MemTotal");
  if (!total) return InvalidArgumentError("meminfo has no readable 'MemTotal: N kB' line");
  std::optional<uint64_t> available = MeminfoKiB(text, "MemAvailable");
  if (!available) available = MeminfoKiB(text, "MemFree");
  return MachineMemory{.total = *total * 1024, .available = available.value_or(0) * 1024};
}

StatusOr<MachineMemory> ReadMachineMemory(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) return PosixError(errno, "cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  StatusOr<MachineMemory> memory = ParseMeminfo(text.str());
  if (!memory.ok()) return memory.status().WithContext(path.string());
  return memory;
}

uint64_t DefaultBudget(uint64_t total) {
  const uint64_t reserve = std::max<uint64_t>(2 * kGiB, total / 10);
  return total > reserve ? total - reserve : 0;
}

AdvisedModel ModelFromGguf(std::string label, const GgufSummary& gguf) {
  return AdvisedModel{.label = std::move(label),
                      .gguf = gguf,
                      .parameter_count = gguf.parameter_count,
                      .stored_type = TypeOfFile(gguf)};
}

AdvisedModel ModelForParameterCount(uint64_t parameters, std::string label) {
  if (label.empty()) label = FormatParameters(parameters);
  return AdvisedModel{.label = std::move(label),
                      .gguf = SyntheticSummary(NearestShape(parameters), parameters),
                      .parameter_count = parameters,
                      .stored_type = std::nullopt};
}

StatusOr<uint64_t> ParseParameterCount(std::string_view text) {
  double scale = 1;
  std::string_view number = text;
  if (!text.empty()) {
    switch (AsciiToLower(text.back())) {
      case 'k': scale = 1e3; break;
      case 'm': scale = 1e6; break;
      case 'b': scale = 1e9; break;
      case 't': scale = 1e12; break;
      default: break;
    }
    if (scale != 1) number.remove_suffix(1);
  }
  StatusOr<double> value = ParseDouble(number);
  if (!value.ok() || *value <= 0 || *value * scale > 1e15) {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not a parameter count; write it like 8B, 1.5B, 500M or 260K");
  }
  return static_cast<uint64_t>(std::llround(*value * scale));
}

Advice AdviseQuantization(const AdviceRequest& request) {
  Advice advice;
  for (const Companion& companion : request.companions) advice.companions_bytes += companion.bytes;
  for (const QuantizationTypeInfo& info : AllQuantizationTypes()) {
    advice.rows.push_back(MakeRow(request, info.type, advice.companions_bytes));
  }
  Recommend(advice, request);
  return advice;
}

}  // namespace hearth
