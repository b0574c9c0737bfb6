// `hearth doctor`: the quantization advisor (models/doctor_report.h). For
// this machine's memory and budget and a model (installed, or a parameter
// count), prints each quantization type's estimated memory at a context,
// which fit beside the embedder and reranker, and the recommendation; with
// no model, the recommended quantization of each common size.
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
#include "models/doctor_report.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth doctor [--params 8B | --model NAME] [--ctx N] [--embedder NAME] [--reranker NAME] "
    "[--budget SIZE]";

void BindDoctorFlags(OptionBinder& binder, DoctorQuery& query) {
  binder.Bind("params", "", &query.params, "a model's size in parameters: 1B, 3B, 8B, 500M");
  binder.Bind("model", "", &query.model, "an installed model to advise on");
  binder.Bind("ctx", "", &query.context, "context length the model will run with");
  binder.Bind("embedder", "", &query.embedder, "installed embedding model that stays loaded too");
  binder.Bind("reranker", "", &query.reranker, "installed reranker that stays loaded too");
  binder.BindBytes("budget", "", &query.budget,
                   "memory hearth may use; 0 = RAM minus max(2 GiB, 10%)");
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

std::string Recommendation(const Advice& advice) {
  return advice.recommended ? std::string(GetQuantizationTypeInfo(*advice.recommended).name)
                            : std::string("none");
}

void PrintHeader(const DoctorReport& report) {
  std::cout << "machine: " << Cell(report.machine.total) << " RAM, "
            << Cell(report.machine.available) << " available now\n"
            << "budget:  " << Cell(report.budget)
            << (report.budget_given ? " (--budget)" : " (RAM minus max(2 GiB, 10%))") << "\n";
  for (const Companion& companion : report.companions) {
    std::cout << "beside:  " << companion.role << " " << companion.label << " "
              << Cell(companion.bytes) << "\n";
  }
}

// No model named: one line per common size.
void PrintOverview(const DoctorReport& report) {
  std::cout << "context: " << report.context << "\n\n"
            << std::left << std::setw(6) << "size" << std::setw(12) << "recommended"
            << std::right << std::setw(11) << "total" << "  pull\n";
  for (const SizedAdvice& sized : report.advice) {
    const AdviceRow* row = RecommendedRow(sized.advice);
    const uint64_t total = row != nullptr ? row->footprint.total() : 0;
    std::cout << std::left << std::setw(6) << sized.model.label << std::setw(12)
              << Recommendation(sized.advice) << std::right << std::setw(11)
              << (total != 0 ? Cell(total) : std::string("-")) << "  "
              << (sized.suggested_pull.empty() ? "does not fit" : sized.suggested_pull) << "\n";
  }
  const SizedAdvice* largest = LargestComfortableSize(report);
  std::cout << "\n"
            << (largest != nullptr ? "largest comfortable size: " + largest->model.label + " at " +
                                         Recommendation(largest->advice)
                                   : std::string("no common size fits this budget"))
            << "\nfor one model's table: hearth doctor --params 8B (or --model NAME)\n";
}

void PrintOne(const DoctorReport& report, const DoctorQuery& query) {
  const SizedAdvice& sized = report.advice.front();
  std::cout << "model:   " << sized.model.label << ", " << sized.model.parameter_count
            << " parameters, context " << report.context
            << (query.model.empty() ? " (shape of the nearest common model)" : "") << "\n\n";
  PrintTable(sized.advice);
  std::cout << "\nrecommended: " << Recommendation(sized.advice) << " ("
            << sized.advice.explanation << ")\n";
}

Status Doctor(const GlobalOptions& global, const DoctorQuery& query) {
  std::unique_ptr<ModelStore> store;
  if (!query.model.empty() || !query.embedder.empty() || !query.reranker.empty()) {
    ASSIGN_OR_RETURN(store, OpenModelStore(global));
  }
  ASSIGN_OR_RETURN(DoctorReport report, BuildDoctorReport(store.get(), query));
  PrintHeader(report);
  if (query.model.empty() && query.params.empty()) {
    PrintOverview(report);
  } else {
    PrintOne(report, query);
  }
  return OkStatus();
}

}  // namespace

int RunDoctor(const CommandArgs& args) {
  GlobalOptions global;
  DoctorQuery query;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindDoctorFlags(binder, query);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (!positional.empty()) {
    std::cerr << "hearth doctor: unexpected argument '" << positional.front() << "'\nusage: "
              << kUsage << "\n";
    return kExitUsage;
  }
  Status status = ApplyGlobalOptions(global);
  if (status.ok()) status = Doctor(global, query);
  if (!status.ok()) {
    std::cerr << "hearth doctor: " << status.message() << "\n";
    return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
