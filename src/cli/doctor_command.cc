// `hearth doctor`: the quantization advisor (models/quantization_advisor.h).
// For this machine's memory and budget and a model (installed, or a
// parameter count), prints each quantization type's estimated memory at a
// context, which fit beside the embedder and reranker, and the recommendation.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "base/options.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"
#include "models/model_store.h"
#include "models/quantization_advisor.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth doctor (--params 8B | --model NAME) [--ctx N] [--embedder NAME] [--reranker NAME] "
    "[--budget SIZE]";

// Companions are sized at this context (embedders and rerankers read short
// chunks; their KV cache, when they have one, is small).
constexpr int32_t kCompanionContext = 2048;

struct DoctorFlags {
  std::string params;
  std::string model;
  int context = 4096;
  std::string embedder;
  std::string reranker;
  uint64_t budget = 0;
};

void BindDoctorFlags(OptionBinder& binder, DoctorFlags& flags) {
  binder.Bind("params", "", &flags.params, "a model's size in parameters: 1B, 3B, 8B, 500M");
  binder.Bind("model", "", &flags.model, "an installed model to advise on");
  binder.Bind("ctx", "", &flags.context, "context length the model will run with");
  binder.Bind("embedder", "", &flags.embedder, "installed embedding model that stays loaded too");
  binder.Bind("reranker", "", &flags.reranker, "installed reranker that stays loaded too");
  binder.BindBytes("budget", "", &flags.budget,
                   "memory hearth may use; 0 = RAM minus max(2 GiB, 10%)");
}

// Opens the store on first use: advice on a parameter count needs none.
class StoreAccess {
 public:
  explicit StoreAccess(const GlobalOptions& global) : global_(global) {}
  StatusOr<GgufSummary> Gguf(const std::string& text) {
    if (store_ == nullptr) {
      ASSIGN_OR_RETURN(store_, OpenModelStore(global_));
    }
    ASSIGN_OR_RETURN(ModelName name, ParseModelName(text));
    ASSIGN_OR_RETURN(ResolvedModel model, store_->Resolve(name));
    if (!model.gguf) return InvalidArgumentError("'" + text + "' is a remote model, not a GGUF");
    return *model.gguf;
  }

 private:
  const GlobalOptions& global_;
  std::unique_ptr<ModelStore> store_;
};

StatusOr<Companion> LoadCompanion(StoreAccess& store, std::string role, const std::string& name) {
  ASSIGN_OR_RETURN(GgufSummary gguf, store.Gguf(name));
  ModelLoadOptions options;
  options.context_length = kCompanionContext;
  return Companion{std::move(role), name, EstimateFootprint(gguf, options).total()};
}

std::string Cell(uint64_t bytes) { return FormatByteSize(bytes); }

void PrintTable(const Advice& advice) {
  std::cout << std::left << std::setw(8) << "type" << std::right << std::setw(11) << "weights"
            << std::setw(11) << "KV cache" << std::setw(11) << "compute" << std::setw(11)
            << "overhead" << std::setw(11) << "total" << std::setw(13) << "with others"
            << "  fits\n";
  for (const AdviceRow& row : advice.rows) {
    const Footprint& f = row.footprint;
    std::cout << std::left << std::setw(8) << GetQuantizationTypeInfo(row.type).name << std::right
              << std::setw(11) << Cell(f.weights) << std::setw(11) << Cell(f.kv_cache)
              << std::setw(11) << Cell(f.compute) << std::setw(11) << Cell(f.overhead)
              << std::setw(11) << Cell(f.total()) << std::setw(13)
              << Cell(f.total() + advice.companions_bytes) << "  "
              << (row.has_headroom ? "yes" : row.fits ? "tight" : "no") << "\n";
  }
}

Status Doctor(const GlobalOptions& global, const DoctorFlags& flags) {
  if (flags.params.empty() == flags.model.empty()) {
    return InvalidArgumentError("name a model with --model NAME or a size with --params 8B");
  }
  if (flags.context <= 0) return InvalidArgumentError("--ctx must be positive");
  ASSIGN_OR_RETURN(MachineMemory machine, ReadMachineMemory());
  StoreAccess store(global);
  AdviceRequest request;
  if (!flags.model.empty()) {
    ASSIGN_OR_RETURN(GgufSummary gguf, store.Gguf(flags.model));
    request.model = ModelFromGguf(flags.model, gguf);
  } else {
    ASSIGN_OR_RETURN(uint64_t parameters, ParseParameterCount(flags.params));
    request.model = ModelForParameterCount(parameters);
  }
  for (const auto& [role, name] : {std::pair{"embedder", flags.embedder},
                                   std::pair{"reranker", flags.reranker}}) {
    if (name.empty()) continue;
    ASSIGN_OR_RETURN(Companion companion, LoadCompanion(store, role, name));
    request.companions.push_back(std::move(companion));
  }
  request.context_length = flags.context;
  request.budget = flags.budget != 0 ? flags.budget : DefaultBudget(machine.total);
  const Advice advice = AdviseQuantization(request);

  std::cout << "machine: " << Cell(machine.total) << " RAM, " << Cell(machine.available)
            << " available now\n"
            << "budget:  " << Cell(request.budget)
            << (flags.budget != 0 ? " (--budget)" : " (RAM minus max(2 GiB, 10%))") << "\n"
            << "model:   " << request.model.label << ", "
            << request.model.parameter_count << " parameters, context " << flags.context
            << (flags.model.empty() ? " (shape of the nearest common model)" : "") << "\n";
  for (const Companion& companion : request.companions) {
    std::cout << "beside:  " << companion.role << " " << companion.label << " "
              << Cell(companion.bytes) << "\n";
  }
  std::cout << "\n";
  PrintTable(advice);
  std::cout << "\n"
            << (advice.recommended
                    ? "recommended: " + std::string(GetQuantizationTypeInfo(*advice.recommended).name)
                    : std::string("recommended: none"))
            << " (" << advice.explanation << ")\n";
  return OkStatus();
}

}  // namespace

int RunDoctor(const CommandArgs& args) {
  GlobalOptions global;
  DoctorFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindDoctorFlags(binder, flags);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (!positional.empty()) {
    std::cerr << "hearth doctor: unexpected argument '" << positional.front() << "'\nusage: "
              << kUsage << "\n";
    return kExitUsage;
  }
  Status status = ApplyGlobalOptions(global);
  if (status.ok()) status = Doctor(global, flags);
  if (!status.ok()) {
    std::cerr << "hearth doctor: " << status.message() << "\n";
    return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
