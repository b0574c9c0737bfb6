#include "models/doctor_report.h"

#include <utility>

#include "base/status_macros.h"

namespace hearth {
namespace {

// The overview's sizes: the common models whose shapes the advisor knows,
// with the Ollama library tag prefix of their instruct builds.
struct OverviewSize {
  uint64_t parameters;
  const char* label;
  const char* pull_prefix;
};
constexpr OverviewSize kOverviewSizes[] = {
    {1'240'000'000, "1B", "llama3.2:1b-instruct-"},
    {3'210'000'000, "3B", "llama3.2:3b-instruct-"},
    {8'030'000'000, "8B", "llama3.1:8b-instruct-"},
    {14'800'000'000, "14B", "qwen2.5:14b-instruct-"},
    {32'800'000'000, "32B", "qwen2.5:32b-instruct-"},
    {70'600'000'000, "70B", "llama3.1:70b-instruct-"},
};

StatusOr<GgufSummary> InstalledGguf(ModelStore* store, const std::string& text) {
  if (store == nullptr) return FailedPreconditionError("no model store to find '" + text + "' in");
  ASSIGN_OR_RETURN(ModelName name, ParseModelName(text));
  ASSIGN_OR_RETURN(ResolvedModel model, store->Resolve(name));
  if (!model.gguf) return InvalidArgumentError("'" + text + "' is a remote model, not a GGUF");
  return *model.gguf;
}

StatusOr<std::vector<Companion>> Companions(ModelStore* store, const DoctorQuery& query) {
  std::vector<Companion> companions;
  for (const auto& [role, name] : {std::pair{"embedder", query.embedder},
                                   std::pair{"reranker", query.reranker}}) {
    if (name.empty()) continue;
    ASSIGN_OR_RETURN(GgufSummary gguf, InstalledGguf(store, name));
    ModelLoadOptions options;
    options.context_length = kCompanionContext;
    companions.push_back({role, name, EstimateFootprint(gguf, options).total()});
  }
  return companions;
}

AdviceRequest RequestFor(AdvisedModel model, const DoctorReport& report) {
  return AdviceRequest{.model = std::move(model),
                       .context_length = report.context,
                       .budget = report.budget,
                       .companions = report.companions};
}

void AddOverview(DoctorReport& report) {
  if (report.companions.empty() ||
      (report.companions.size() == 1 && report.companions[0].role == "reranker")) {
    report.companions.push_back(
        {"embedder", "a typical embedder (nomic-embed-text, F16)", kTypicalEmbedderBytes});
    report.typical_embedder_assumed = true;
  }
  for (const OverviewSize& size : kOverviewSizes) {
    AdvisedModel model = ModelForParameterCount(size.parameters, size.label);
    Advice advice = AdviseQuantization(RequestFor(model, report));
    std::string pull;
    if (advice.recommended) {
      pull = std::string(size.pull_prefix) +
             std::string(GetQuantizationTypeInfo(*advice.recommended).name);
    }
    report.advice.push_back({std::move(model), std::move(advice), std::move(pull)});
  }
}

}  // namespace

StatusOr<DoctorReport> BuildDoctorReport(ModelStore* store, const DoctorQuery& query) {
  if (!query.model.empty() && !query.params.empty()) {
    return InvalidArgumentError("name a model or a size (params), not both");
  }
  if (query.context <= 0) return InvalidArgumentError("the context must be positive");
  DoctorReport report;
  ASSIGN_OR_RETURN(report.machine, ReadMachineMemory());
  report.budget_given = query.budget != 0;
  report.budget = report.budget_given ? query.budget : DefaultBudget(report.machine.total);
  report.context = query.context;
  ASSIGN_OR_RETURN(report.companions, Companions(store, query));
  if (query.model.empty() && query.params.empty()) {
    AddOverview(report);
    return report;
  }
  AdvisedModel model;
  if (!query.model.empty()) {
    ASSIGN_OR_RETURN(GgufSummary gguf, InstalledGguf(store, query.model));
    model = ModelFromGguf(query.model, gguf);
  } else {
    ASSIGN_OR_RETURN(uint64_t parameters, ParseParameterCount(query.params));
    model = ModelForParameterCount(parameters);
  }
  Advice advice = AdviseQuantization(RequestFor(model, report));
  report.advice.push_back({std::move(model), std::move(advice), ""});
  return report;
}

const AdviceRow* RecommendedRow(const Advice& advice) {
  if (!advice.recommended) return nullptr;
  for (const AdviceRow& row : advice.rows) {
    if (row.type == *advice.recommended) return &row;
  }
  return nullptr;
}

const SizedAdvice* LargestComfortableSize(const DoctorReport& report) {
  const SizedAdvice* best = nullptr;
  for (const SizedAdvice& sized : report.advice) {
    const AdviceRow* row = RecommendedRow(sized.advice);
    if (row != nullptr && row->has_headroom) best = &sized;
  }
  return best;
}

}  // namespace hearth
