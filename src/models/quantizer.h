// Quantization of installed models: `hearth quantize NAME --type T [--as NEW]`.
//
// llama.cpp's quantizer runs in a child process (models/quantize_worker.h),
// so a crash or an abort in it cannot take down the caller (the server, or
// the CLI with a store open). The parent pre-validates the source, refuses
// what should not be done (an unknown type, an already quantized source
// without allow_requantize), starts the worker, collects the tensors that
// fell back to another type, validates the worker's output with hearth's own
// GGUF reader and reports sizes.
//
// Names: the result of quantizing "NAME:TAG" to T is installed as
// "NAME:TAG-T" (e.g. "stories:latest" → "stories:latest-q8_0") unless a name
// is given. It keeps the source's template, system prompt, licence and
// parameters.
//
// Nothing is left on failure: the worker writes to a temporary file beside
// the store, which is removed whether the import succeeds or not.
//
// Thread-safety: the functions are thread-safe as far as ModelStore is; each
// call starts its own worker.
//
// Example:
//   ASSIGN_OR_RETURN(QuantizedModel result,
//                    QuantizeStoredModel(*store, source, std::nullopt,
//                                        {.type = QuantizationType::kQ8_0}));
//   std::cout << FormatByteSize(result.report.bytes_before) << " -> "
//             << FormatByteSize(result.report.bytes_after) << "\n";
#ifndef HEARTH_MODELS_QUANTIZER_H_
#define HEARTH_MODELS_QUANTIZER_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/gguf_summary.h"
#include "models/model_name.h"
#include "models/model_store.h"
#include "models/quantization_type.h"
#include "models/quantize_worker.h"

namespace hearth {

struct QuantizeOptions {
  QuantizationType type = QuantizationType::kQ8_0;
  // Quantize a source whose weights are already quantized.
  bool allow_requantize = false;
  // Threads for the worker; 0 = every core.
  int32_t threads = 0;
  // The program and leading arguments that start a worker; "--in", "--out",
  // "--type", "--threads" and "--allow-requantize" are appended. The default
  // runs this same binary's `quantize-worker` verb (tests name the hearth
  // binary instead).
  std::vector<std::string> worker_command = {"/proc/self/exe", "quantize-worker"};
  // Asked about every kQuantizeCancelPoll while the worker runs; when it
  // returns true the worker is killed and the quantization ends Cancelled
  // (an HTTP create whose client left). Empty: never cancelled.
  std::function<bool()> cancelled;
};

inline constexpr std::chrono::milliseconds kQuantizeCancelPoll{250};

struct QuantizeReport {
  // File sizes of the source and the result.
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
  uint64_t tensors_total = 0;
  // Tensors stored in a different type than in the source.
  uint64_t tensors_quantized = 0;
  // Tensors that llama.cpp stored in another type than the mixture asked
  // for, because their rows do not fit the type's block size.
  std::vector<TensorFallback> fallbacks;
  // general.file_type names ("F32", "Q8_0"), "unknown" when absent.
  std::string source_file_type;
  std::string result_file_type;
};

// OK when `source` may be quantized to `type`: its weights are F32, F16 or
// BF16, or `allow_requantize` is set. Errors: FailedPrecondition naming the
// source's type and --allow-requantize.
Status CheckQuantizable(const GgufSummary& source, QuantizationType type, bool allow_requantize);

// Quantizes the GGUF file `source` into `destination` (which must not exist)
// in a worker process. Errors: NotFound / InvalidArgument for a missing or
// invalid source (models/gguf_file.h); FailedPrecondition as CheckQuantizable;
// AlreadyExists if `destination` exists; Internal when the worker fails (the
// message has llama.cpp's last error and how the worker ended); Cancelled
// when options.cancelled said so. On error `destination` does not exist.
StatusOr<QuantizeReport> QuantizeFile(const std::filesystem::path& source,
                                      const std::filesystem::path& destination,
                                      const QuantizeOptions& options);

// "NAME:TAG-T" for `source` "NAME:TAG". Errors: InvalidArgument when the tag
// would grow past the 80 bytes a name part may have.
StatusOr<ModelName> DefaultQuantizedName(const ModelName& source, QuantizationType type);

struct QuantizedModel {
  ModelEntry entry;
  QuantizeReport report;
};

// The layers a quantized copy of `source` keeps: its template, system
// prompt, licence and parameters (the weights come from the new file).
CreateSpec InheritedSpec(const ResolvedModel& source);

// Quantizes the GGUF file `source_file` and installs the result as `target`
// with `spec`'s template, system prompt, licence and parameters (its from_*
// fields are ignored). Errors: as QuantizeFile and ModelStore::Create. The
// store is unchanged on error.
StatusOr<QuantizedModel> QuantizeIntoStore(ModelStore& store,
                                           const std::filesystem::path& source_file,
                                           CreateSpec spec, const ModelName& target,
                                           const QuantizeOptions& options);

// Quantizes the installed model `source` and installs the result as `target`
// (DefaultQuantizedName when nullopt). Errors: as ModelStore::Resolve and
// Create, QuantizeFile; InvalidArgument for a remote model or a target equal
// to the source. The store is unchanged on error.
StatusOr<QuantizedModel> QuantizeStoredModel(ModelStore& store, const ModelName& source,
                                             const std::optional<ModelName>& target,
                                             const QuantizeOptions& options);

}  // namespace hearth

#endif  // HEARTH_MODELS_QUANTIZER_H_
