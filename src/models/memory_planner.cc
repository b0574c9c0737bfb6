#include "models/memory_planner.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace hearth {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kFixedOverhead = 22 * kMiB;
constexpr uint64_t kTokenizerBytesPerToken = 64;
constexpr uint64_t kCellPadding = 256;  // llama.cpp pads the context to this

// An integer key of the architecture; for a per-layer array (some models
// vary head counts by layer), its largest kept element.
std::optional<uint64_t> ArchValue(const GgufSummary& gguf, std::string_view suffix) {
  if (std::optional<uint64_t> value = gguf.GetArchUint(suffix)) return value;
  const GgufValue* value =
      gguf.Find(std::string(gguf.architecture()) + "." + std::string(suffix));
  const GgufArray* array = value != nullptr ? value->AsArray() : nullptr;
  if (array == nullptr || array->values.empty()) return std::nullopt;
  uint64_t largest = 0;
  for (const GgufValue& element : array->values) largest = std::max(largest, element.AsUint().value_or(0));
  return largest;
}

uint64_t VocabularySize(const GgufSummary& gguf) {
  for (const GgufTensorInfo& tensor : gguf.tensors) {
    if (tensor.name == "token_embd.weight" && tensor.dims.size() == 2) return tensor.dims[1];
  }
  const GgufValue* tokens = gguf.Find("tokenizer.ggml.tokens");
  if (tokens != nullptr && tokens->AsArray() != nullptr) return tokens->AsArray()->count;
  return ArchValue(gguf, "vocab_size").value_or(0);
}

uint64_t RoundUp(uint64_t value, uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

// KV cells per slot, as llama.cpp pads them.
uint64_t CellsPerSlot(const ModelLoadOptions& options) {
  return RoundUp(static_cast<uint64_t>(std::max(options.context_length, 1)), kCellPadding);
}

uint64_t Slots(const ModelLoadOptions& options) {
  return static_cast<uint64_t>(std::max(options.slots, 1));
}

// Bytes per element of a KV cache type, times 32 (q8_0 stores 32 in 34).
uint64_t KvBytesPer32(KvCacheType type) { return type == KvCacheType::kQ8_0 ? 34 : 64; }

uint64_t EstimateCompute(const ModelShapeInfo& shape, const ModelLoadOptions& options) {
  const uint64_t cells = shape.has_kv_cache ? CellsPerSlot(options) * Slots(options) : 0;
  uint64_t batch = static_cast<uint64_t>(std::max(options.batch_size, 1));
  if (shape.has_kv_cache) batch = std::min(batch, cells);
  const uint64_t output_phase = shape.n_vocab + shape.n_embd;
  // Flash attention (llama.cpp's default where the backend has it, as the
  // CPU does) never holds the heads x cells score matrix, so a layer needs
  // only its activations.
  const uint64_t layer_phase = 4 * shape.n_embd + 2 * shape.n_ff;
  const uint64_t logits = shape.n_vocab * Slots(options) * 4;
  return batch * std::max(output_phase, layer_phase) * 4 + logits;
}

std::string KvName(KvCacheType type) { return type == KvCacheType::kQ8_0 ? "q8_0" : "f16"; }

uint64_t ToMiB(uint64_t bytes) { return (bytes + kMiB / 2) / kMiB; }

std::string Describe(const Footprint& footprint) {
  return std::to_string(ToMiB(footprint.total())) + " MiB (weights " +
         std::to_string(ToMiB(footprint.weights)) + ", KV cache " +
         std::to_string(ToMiB(footprint.kv_cache)) + ", compute " +
         std::to_string(ToMiB(footprint.compute)) + ", overhead " +
         std::to_string(ToMiB(footprint.overhead)) + ")";
}

// The contexts to try, largest first: the request, then halving down to the
// floor (which is tried itself).
std::vector<int32_t> ContextLadder(int32_t requested, int32_t floor) {
  floor = std::max(1, std::min(floor, requested));
  std::vector<int32_t> ladder;
  for (int32_t context = requested; context > floor; context /= 2) ladder.push_back(context);
  ladder.push_back(floor);
  return ladder;
}

LoadPlan MakePlan(const GgufSummary& gguf, const ModelLoadOptions& requested,
                  ModelLoadOptions options) {
  LoadPlan plan{.options = options, .footprint = EstimateFootprint(gguf, options), .degradations = {}};
  if (options.context_length != requested.context_length) {
    plan.degradations.push_back("context " + std::to_string(requested.context_length) + " → " +
                                std::to_string(options.context_length));
  }
  if (options.kv_cache_type != requested.kv_cache_type) {
    plan.degradations.push_back("KV cache " + KvName(requested.kv_cache_type) + " → " +
                                KvName(options.kv_cache_type));
  }
  return plan;
}

}  // namespace

ModelShapeInfo ReadModelShape(const GgufSummary& gguf) {
  ModelShapeInfo shape;
  shape.n_layer = ArchValue(gguf, "block_count").value_or(0);
  shape.n_embd = ArchValue(gguf, "embedding_length").value_or(0);
  shape.n_head = ArchValue(gguf, "attention.head_count").value_or(0);
  shape.n_head_kv = ArchValue(gguf, "attention.head_count_kv").value_or(shape.n_head);
  const uint64_t head_dim = shape.n_head > 0 ? shape.n_embd / shape.n_head : 0;
  shape.n_embd_k_gqa = ArchValue(gguf, "attention.key_length").value_or(head_dim) * shape.n_head_kv;
  shape.n_embd_v_gqa =
      ArchValue(gguf, "attention.value_length").value_or(head_dim) * shape.n_head_kv;
  shape.n_ff = ArchValue(gguf, "feed_forward_length").value_or(4 * shape.n_embd);
  shape.n_vocab = VocabularySize(gguf);
  shape.has_kv_cache = !gguf.IsEncoderOnly() && shape.n_layer > 0;
  return shape;
}

uint64_t EstimateKvCacheBytes(const ModelShapeInfo& shape, const ModelLoadOptions& options) {
  if (!shape.has_kv_cache) return 0;
  const uint64_t cells = CellsPerSlot(options) * Slots(options);
  const uint64_t elements = shape.n_layer * cells * (shape.n_embd_k_gqa + shape.n_embd_v_gqa);
  return elements * KvBytesPer32(options.kv_cache_type) / 32;
}

Footprint EstimateFootprint(const GgufSummary& gguf, const ModelLoadOptions& options) {
  const ModelShapeInfo shape = ReadModelShape(gguf);
  Footprint footprint;
  footprint.weights = gguf.tensor_bytes;
  footprint.kv_cache = EstimateKvCacheBytes(shape, options);
  footprint.compute = EstimateCompute(shape, options);
  footprint.overhead =
      kFixedOverhead + shape.n_vocab * kTokenizerBytesPerToken + gguf.tensor_bytes / 100;
  return footprint;
}

StatusOr<LoadPlan> PlanLoad(const GgufSummary& gguf, const ModelLoadOptions& requested,
                            uint64_t available_bytes, const PlanPolicy& policy) {
  std::vector<KvCacheType> kv_types = {requested.kv_cache_type};
  if (policy.allow_kv_quantization && requested.kv_cache_type != KvCacheType::kQ8_0) {
    kv_types.push_back(KvCacheType::kQ8_0);
  }
  const std::vector<int32_t> ladder = ContextLadder(requested.context_length, policy.min_context);
  ModelLoadOptions options = requested;
  for (KvCacheType kv_type : kv_types) {
    options.kv_cache_type = kv_type;
    for (int32_t context : ladder) {
      options.context_length = context;
      if (EstimateFootprint(gguf, options).total() <= available_bytes) {
        return MakePlan(gguf, requested, options);
      }
    }
  }
  return ResourceExhaustedError(
      "the model needs " + Describe(EstimateFootprint(gguf, requested)) + " at context " +
      std::to_string(requested.context_length) + " with a " + KvName(requested.kv_cache_type) +
      " KV cache, and still " + Describe(EstimateFootprint(gguf, options)) + " at context " +
      std::to_string(options.context_length) + " with a " + KvName(options.kv_cache_type) +
      " KV cache, but only " + std::to_string(ToMiB(available_bytes)) +
      " MiB are available; free memory, raise the budget or use a smaller quantization");
}

}  // namespace hearth
