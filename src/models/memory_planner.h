// The memory planner: how much memory a model will take before it is loaded,
// from its GGUF metadata alone, and which load options fit a budget.
//
// A footprint has four parts:
//   weights   the tensor data (GgufSummary::tensor_bytes; llama_model_size
//             reports the same number once loaded);
//   kv_cache  2 (K and V) x layers x cells x (head_dim x KV heads) x the
//             bytes per element of the cache type (f16 2, q8_0 34/32); cells
//             are the context per slot rounded up to 256 (as llama.cpp pads
//             it) times the slots. Encoder-only models (BERT and its kin, or
//             `<arch>.attention.causal` = false) have none;
//   compute   llama.cpp's compute buffer for one batch: the larger of the
//             output projection (batch x (vocabulary + embedding) x 4 bytes)
//             and one layer's activations (batch x (4 x embedding + 2 x
//             FFN) x 4 bytes; with flash attention, llama.cpp's default, no
//             heads x cells score matrix is held), plus the logits output
//             buffer (vocabulary x slots x 4 bytes);
//   overhead  22 MiB for the runner process (its code, heap, ggml's
//             contexts and graph: a runner of stories260K, whose weights,
//             cache and compute are 3 MiB, is 25 MiB resident), plus the
//             tokenizer tables (vocabulary x 64 bytes), plus 1% of the
//             weights for page tables and allocator slack.
// Missing keys fall back to what llama.cpp assumes (KV heads = heads,
// head_dim = embedding / heads) or to zero (no KV cache, no vocabulary).
// Checked against llama.cpp loading a fixture model (memory_planner_test.cc):
// weights exact, KV cache within 1%, compute within 35% of llama.cpp's
// buffers; the total is at least llama.cpp's buffers, at most 15% + 32 MiB
// over them, and not below the resident memory the load added. Sliding-window
// and recurrent models get the full-attention estimate, an upper bound.
//
// Planning (PlanLoad) degrades in a stated order when the request does not
// fit: first a smaller context (halving, not below PlanPolicy::min_context),
// then a q8_0 KV cache (with the largest context from the same ladder that
// fits). Otherwise it refuses with ResourceExhausted naming the MiB needed
// and available.
//
// Thread-safety: pure functions.
//
// Example:
//   Footprint need = EstimateFootprint(gguf, options);
//   ASSIGN_OR_RETURN(LoadPlan plan, PlanLoad(gguf, options, budget - used, {}));
//   for (const std::string& step : plan.degradations) HEARTH_LOG(INFO) << step;
#ifndef HEARTH_MODELS_MEMORY_PLANNER_H_
#define HEARTH_MODELS_MEMORY_PLANNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/gguf_summary.h"
#include "models/model_load_options.h"

namespace hearth {

// Bytes, by what holds them.
struct Footprint {
  uint64_t weights = 0;
  uint64_t kv_cache = 0;
  uint64_t compute = 0;
  uint64_t overhead = 0;

  uint64_t total() const { return weights + kv_cache + compute + overhead; }
};

// The model's shape as the estimate uses it, read from the GGUF metadata.
struct ModelShapeInfo {
  uint64_t n_layer = 0;
  uint64_t n_embd = 0;
  uint64_t n_head = 0;
  uint64_t n_head_kv = 0;
  uint64_t n_embd_k_gqa = 0;  // key length x KV heads
  uint64_t n_embd_v_gqa = 0;  // value length x KV heads
  uint64_t n_ff = 0;
  uint64_t n_vocab = 0;
  bool has_kv_cache = true;
};

// Reads the shape; missing keys as the file comment says.
ModelShapeInfo ReadModelShape(const GgufSummary& gguf);

// Bytes of the KV cache alone for `options` (context, slots, type).
uint64_t EstimateKvCacheBytes(const ModelShapeInfo& shape, const ModelLoadOptions& options);

// The footprint of loading `gguf` with `options`.
Footprint EstimateFootprint(const GgufSummary& gguf, const ModelLoadOptions& options);

struct PlanPolicy {
  // Degrading never takes the context below this (nor below what was asked
  // when that is smaller).
  int32_t min_context = 2048;
  // May switch an f16 KV cache to q8_0.
  bool allow_kv_quantization = true;
};

struct LoadPlan {
  ModelLoadOptions options;
  Footprint footprint;
  // What was given up, in order: "context 8192 → 4096", "KV cache f16 → q8_0".
  // Empty when the request fits as asked.
  std::vector<std::string> degradations;
};

// The options to load `gguf` with in `available_bytes`: `requested` if it
// fits, else the first degradation (see the file comment) that fits.
// Errors: ResourceExhausted naming the MiB the request needs, the MiB the
// most degraded plan needs, and the MiB available.
StatusOr<LoadPlan> PlanLoad(const GgufSummary& gguf, const ModelLoadOptions& requested,
                            uint64_t available_bytes, const PlanPolicy& policy);

}  // namespace hearth

#endif  // HEARTH_MODELS_MEMORY_PLANNER_H_
