// The quantization advisor behind `hearth doctor`: for this machine's memory
// and a model (an installed GGUF, or just a parameter count), the memory each
// quantization type would take at a given context, which of them fit in the
// budget beside the embedder and reranker that must stay loaded too, and
// which one to use.
//
// The budget defaults to physical RAM minus a reserve of max(2 GiB, 10 %) for
// the system and hearth's own server (the scheduler's rule). Sizes come from
// the memory planner (models/memory_planner.h) with weights scaled by each
// type's bits per weight (models/quantization_type.h). A model known only by
// its parameter count is given the shape of the nearest common model size
// (Llama 3.2 1B and 3B, Llama 3.1 8B, Qwen2.5 14B and 32B, Llama 3.1 70B),
// whose layers and KV heads set the KV cache.
//
// The recommendation is the highest-quality type whose total, added to the
// companions', leaves `headroom_fraction` of the budget free; if none does,
// the smallest type that fits at all (with a warning); if none fits, none.
//
// Thread-safety: pure functions, except ReadMachineMemory (reads a file).
//
// Example:
//   ASSIGN_OR_RETURN(MachineMemory machine, ReadMachineMemory());
//   Advice advice = AdviseQuantization({.model = ModelForParameterCount(8'000'000'000),
//                                       .budget = DefaultBudget(machine.total)});
//   if (advice.recommended) std::cout << GetQuantizationTypeInfo(*advice.recommended).name;
#ifndef HEARTH_MODELS_QUANTIZATION_ADVISOR_H_
#define HEARTH_MODELS_QUANTIZATION_ADVISOR_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/gguf_summary.h"
#include "models/memory_planner.h"
#include "models/quantization_type.h"

namespace hearth {

struct MachineMemory {
  uint64_t total = 0;      // MemTotal
  uint64_t available = 0;  // MemAvailable (MemFree on kernels without it)
};

// Parses /proc/meminfo text. Errors: InvalidArgument when MemTotal is absent
// or a value is not a number of kB.
StatusOr<MachineMemory> ParseMeminfo(std::string_view text);

// Reads and parses `path`. Errors: the file system's, ParseMeminfo's.
StatusOr<MachineMemory> ReadMachineMemory(
    const std::filesystem::path& path = "/proc/meminfo");

// `total` minus max(2 GiB, 10 % of total); 0 when that is negative.
uint64_t DefaultBudget(uint64_t total);

// The model being advised on: its metadata (real or made up from a
// parameter count) and, when installed, the type it is stored in.
struct AdvisedModel {
  std::string label;  // "llama3.2:latest", "8B"
  GgufSummary gguf;
  uint64_t parameter_count = 0;
  // The installed file's type, whose row uses the file's real weight size.
  std::optional<QuantizationType> stored_type;
};

// An installed model.
AdvisedModel ModelFromGguf(std::string label, const GgufSummary& gguf);

// A model known only by its size: the shape of the nearest common model.
// `label` defaults to "<n>B".
AdvisedModel ModelForParameterCount(uint64_t parameters, std::string label = "");

// "8B" → 8e9, "1.5B" → 1.5e9, "500M", "260K"; a plain number is parameters.
// Errors: InvalidArgument quoting the text.
StatusOr<uint64_t> ParseParameterCount(std::string_view text);

// A model that stays loaded beside the advised one (embedder, reranker).
struct Companion {
  std::string role;   // "embedder"
  std::string label;  // "nomic-embed-text:latest"
  uint64_t bytes = 0;
};

struct AdviceRequest {
  AdvisedModel model;
  int32_t context_length = 4096;
  int32_t slots = 1;
  uint64_t budget = 0;
  std::vector<Companion> companions;
  // Free share of the budget the recommendation keeps.
  double headroom_fraction = 0.10;
};

struct AdviceRow {
  QuantizationType type;
  Footprint footprint;
  bool fits = false;           // with the companions, within the budget
  bool has_headroom = false;   // and leaves headroom_fraction free
};

struct Advice {
  std::vector<AdviceRow> rows;  // smallest type first
  uint64_t companions_bytes = 0;
  std::optional<QuantizationType> recommended;
  // One sentence: why this type, or why none.
  std::string explanation;
};

Advice AdviseQuantization(const AdviceRequest& request);

}  // namespace hearth

#endif  // HEARTH_MODELS_QUANTIZATION_ADVISOR_H_
