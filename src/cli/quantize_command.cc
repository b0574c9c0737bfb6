// `hearth quantize NAME --type TYPE [--as NEW] [--allow-requantize]`: makes a
// quantized copy of an installed model (models/quantizer.h) and prints the
// size before and after and every tensor that fell back to another type.
#include <iostream>
#include <optional>

#include "base/options.h"
#include "base/status_macros.h"
#include "base/value_parsers.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"
#include "models/model_store.h"
#include "models/quantizer.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth quantize NAME --type TYPE [--as NEW] [--allow-requantize]";

struct QuantizeFlags {
  std::string type;
  std::string as;
  bool allow_requantize = false;
  int threads = 0;
};

void BindQuantizeFlags(OptionBinder& binder, QuantizeFlags& flags) {
  binder.Bind("type", "", &flags.type, QuantizeTargetList());
  binder.Bind("as", "", &flags.as,
              "name of the result; default NAME with the tag TAG-TYPE (stories:latest-q8_0)");
  binder.Bind("allow-requantize", "", &flags.allow_requantize,
              "quantize a model that is already quantized (loses more quality)");
  binder.Bind("threads", "", &flags.threads, "threads to quantize with; 0 = every core");
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return std::to_string((part * 1000 / whole + 5) / 10) + "%";
}

void PrintReport(const QuantizedModel& result, std::string_view type) {
  const QuantizeReport& report = result.report;
  for (const TensorFallback& fallback : report.fallbacks) {
    std::cout << "fallback: " << fallback.tensor << " stored as " << fallback.used << " instead of "
              << fallback.requested << " (its row length is not a multiple of the block size)\n";
  }
  std::cout << "quantized to " << type << " as " << result.entry.name.DisplayName() << ": "
            << FormatByteSize(report.bytes_before) << " (" << report.source_file_type << ") -> "
            << FormatByteSize(report.bytes_after) << " (" << report.result_file_type << "), "
            << Percent(report.bytes_after, report.bytes_before) << " of the size; "
            << report.tensors_quantized << " of " << report.tensors_total
            << " tensors converted, " << report.fallbacks.size() << " fell back\n";
}

Status Quantize(const GlobalOptions& global, const std::string& source_text,
                const QuantizeFlags& flags) {
  ASSIGN_OR_RETURN(QuantizationType type, ParseQuantizeTarget(flags.type));
  ASSIGN_OR_RETURN(ModelName source, ParseModelName(source_text));
  std::optional<ModelName> target;
  if (!flags.as.empty()) {
    ASSIGN_OR_RETURN(target, ParseModelName(flags.as));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store, OpenModelStore(global));
  std::cout << "quantizing " << source.DisplayName() << " to "
            << GetQuantizationTypeInfo(type).name << "...\n" << std::flush;
  ASSIGN_OR_RETURN(QuantizedModel result,
                   QuantizeStoredModel(*store, source, target,
                                       {.type = type,
                                        .allow_requantize = flags.allow_requantize,
                                        .threads = flags.threads}));
  PrintReport(result, GetQuantizationTypeInfo(type).name);
  return OkStatus();
}

}  // namespace

int RunQuantize(const CommandArgs& args) {
  GlobalOptions global;
  QuantizeFlags flags;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindQuantizeFlags(binder, flags);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.size() != 1 || flags.type.empty()) {
    std::cerr << "hearth quantize: " << (positional.size() != 1 ? "name one model" : "--type is required")
              << "\nusage: " << kUsage << "\n";
    return kExitUsage;
  }
  Status status = ApplyGlobalOptions(global);
  if (status.ok()) status = Quantize(global, positional.front(), flags);
  if (!status.ok()) {
    std::cerr << "hearth quantize: " << status.message() << "\n";
    return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  return kExitOk;
}

}  // namespace hearth::cli
