// The report behind `hearth doctor` and GET /api/v1/doctor: the machine's
// memory, the budget, the models that stay loaded beside the advised one,
// and the quantization advice (models/quantization_advisor.h) either for one
// model (installed, or a parameter count) or, when none is named, for each
// common model size — the first-run question "what should I pull here?".
//
// In that overview an embedder is always assumed beside the chat model: the
// named one, or a typical one (nomic-embed-text in F16, kTypicalEmbedderBytes)
// when none is installed yet. Each size carries the Ollama library name a
// user would pull for it, with the recommended quantization in its tag.
//
// Errors: InvalidArgument for a bad query (both model and params, a bad
// size, a non-positive context, a remote model); NotFound for a model that
// is not installed; FailedPrecondition when a name is given but no store is.
//
// Thread-safety: as ModelStore; ReadMachineMemory reads /proc/meminfo.
//
// Example:
//   ASSIGN_OR_RETURN(DoctorReport report,
//                    BuildDoctorReport(&store, {.params = "8B", .context = 8192}));
//   for (const SizedAdvice& sized : report.advice) Print(sized.advice);
#ifndef HEARTH_MODELS_DOCTOR_REPORT_H_
#define HEARTH_MODELS_DOCTOR_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/model_store.h"
#include "models/quantization_advisor.h"

namespace hearth {

// An F16 nomic-embed-text (274 MB of weights) with its compute buffer at a
// 2048-token context, rounded up.
inline constexpr uint64_t kTypicalEmbedderBytes = 384ull << 20;

// Embedders and rerankers read short chunks; they are sized at this context.
inline constexpr int32_t kCompanionContext = 2048;

struct DoctorQuery {
  std::string model;     // an installed model, or ""
  std::string params;    // "8B", or ""; neither: the overview of common sizes
  int32_t context = 4096;
  std::string embedder;  // installed models that stay loaded beside it
  std::string reranker;
  uint64_t budget = 0;   // 0: DefaultBudget(RAM)
};

struct SizedAdvice {
  AdvisedModel model;
  Advice advice;
  // Overview only: what to pull for this size ("llama3.1:8b-instruct-q4_K_M").
  std::string suggested_pull;
};

struct DoctorReport {
  MachineMemory machine;
  uint64_t budget = 0;
  bool budget_given = false;  // query.budget, not the default rule
  int32_t context = 0;
  std::vector<Companion> companions;
  bool typical_embedder_assumed = false;
  std::vector<SizedAdvice> advice;  // one, or one per common size (smallest first)
};

// `store` may be null when the query names no installed model.
StatusOr<DoctorReport> BuildDoctorReport(ModelStore* store, const DoctorQuery& query);

// The row of the recommended type; nullptr when nothing is recommended.
const AdviceRow* RecommendedRow(const Advice& advice);

// The largest size in an overview whose recommendation leaves headroom;
// nullptr when none does.
const SizedAdvice* LargestComfortableSize(const DoctorReport& report);

}  // namespace hearth

#endif  // HEARTH_MODELS_DOCTOR_REPORT_H_
