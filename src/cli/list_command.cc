// `hearth list`: the installed models as a table, like `ollama list`.
#include <iostream>
#include <vector>

#include "base/options.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"
#include "cli/text_table.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth list";
using Row = std::vector<std::string>;

Row RowOf(const ModelEntry& entry, std::chrono::system_clock::time_point now) {
  return {entry.name.DisplayName(),
          entry.manifest_digest.Hex().substr(0, 12),
          HumanBytes(entry.size),
          entry.details.family,
          entry.details.parameter_size,
          entry.details.quantization_level,
          HumanAge(entry.modified, now)};
}

Status List(const GlobalOptions& global) {
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store, OpenModelStore(global));
  ASSIGN_OR_RETURN(std::vector<ModelEntry> entries, store->List());
  std::vector<Row> rows = {{"NAME", "ID", "SIZE", "FAMILY", "PARAMS", "QUANT", "MODIFIED"}};
  const auto now = std::chrono::system_clock::now();
  for (const ModelEntry& entry : entries) rows.push_back(RowOf(entry, now));
  PrintTable(rows, std::cout);
  return OkStatus();
}

}  // namespace

int RunList(const CommandArgs& args) {
  GlobalOptions global;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (!positional.empty()) {
    std::cerr << "hearth list: unexpected argument '" << positional.front() << "'\n";
    return kExitUsage;
  }
  Status status = List(global);
  return status.ok() ? kExitOk : ReportFailure("list", status);
}

}  // namespace hearth::cli
