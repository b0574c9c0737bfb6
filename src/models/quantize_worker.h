// The quantize worker: the child process half of `hearth quantize`.
//
// The parent (models/quantizer.h) runs `hearth quantize-worker --in SRC --out
// DST --type T [--allow-requantize]`, so that llama.cpp's quantizer, which
// allocates per tensor and aborts the process on some bad inputs, can only
// take the worker down. The worker calls llama_model_quantize and reports on
// stdout, one line each, the tensors llama.cpp had to store in another type
// than the mixture asked for (a row length the type's block size does not
// divide: K-quant types use blocks of 256, the others 32):
//
//   fallback blk.0.ffn_down.weight q6_K q8_0
//
// llama.cpp's warnings and errors go to stderr (its per-tensor progress is
// dropped). The line format is private to these two halves; the parent reads
// it with ParseFallbackLine.
//
// Thread-safety: RunQuantizeWorker installs a process-wide llama.cpp log
// callback for its duration; it is meant to be the only work of its process.
//
// Example (the worker verb):
//   Status status = RunQuantizeWorker({.input = in, .output = out,
//                                      .type = QuantizationType::kQ8_0}, std::cout);
#ifndef HEARTH_MODELS_QUANTIZE_WORKER_H_
#define HEARTH_MODELS_QUANTIZE_WORKER_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "models/quantization_type.h"

namespace hearth {

// One tensor stored in a type other than the one the mixture chose for it.
struct TensorFallback {
  std::string tensor;     // "blk.0.ffn_down.weight"
  std::string requested;  // ggml type names: "q6_K"
  std::string used;       // "q8_0", or "f16" when no quantized type fits

  friend bool operator==(const TensorFallback&, const TensorFallback&) = default;
};

struct QuantizeWorkerRequest {
  std::filesystem::path input;
  std::filesystem::path output;
  QuantizationType type = QuantizationType::kQ8_0;
  // Quantize tensors that are already quantized (lossy twice over).
  bool allow_requantize = false;
  // Threads for quantizing; 0 = every core.
  int32_t threads = 0;
};

// Quantizes request.input into request.output with llama.cpp, writing one
// FormatFallbackLine line per fallback to `report`. Does not remove a partial
// output on failure (the parent owns the output path). Errors: InvalidArgument
// for a type that is not a quantize target; Internal with llama.cpp's last
// error message when it fails.
Status RunQuantizeWorker(const QuantizeWorkerRequest& request, std::ostream& report);

// Recognizes llama.cpp's fallback warning (one whole line, the pieces it logs
// joined), e.g. "warning: blk.0.ffn_down.weight - ncols 172 not divisible by
// 256 (required for type q6_K) -> falling back to q8_0". nullopt for any
// other text.
std::optional<TensorFallback> ParseLlamaFallbackWarning(std::string_view line);

// "fallback <tensor> <requested> <used>" (no newline) and its inverse, which
// returns nullopt for any line not of that form.
std::string FormatFallbackLine(const TensorFallback& fallback);
std::optional<TensorFallback> ParseFallbackLine(std::string_view line);

}  // namespace hearth

#endif  // HEARTH_MODELS_QUANTIZE_WORKER_H_
