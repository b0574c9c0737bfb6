// `hearth list`: the installed models as a table, like `ollama list`.
#include <algorithm>
#include <array>
#include <iostream>
#include <vector>

#include "base/options.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth list";
constexpr size_t kColumns = 7;
constexpr size_t kGap = 4;

using Row = std::array<std::string, kColumns>;

Row RowOf(const ModelEntry& entry, std::chrono::system_clock::time_point now) {
  return {entry.name.DisplayName(),     entry.manifest_digest.Hex().substr(0, 12),
          HumanBytes(entry.size),       entry.details.family,
          entry.details.parameter_size, entry.details.quantization_level,
          HumanAge(entry.modified, now)};
}

void PrintTable(const std::vector<Row>& rows) {
  std::array<size_t, kColumns> widths{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < kColumns; ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i < kColumns; ++i) {
      line += row[i];
      if (i + 1 < kColumns) line += std::string(widths[i] - row[i].size() + kGap, ' ');
    }
    std::cout << line << "\n";
  }
}

Status List(const GlobalOptions& global) {
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> store, OpenModelStore(global));
  ASSIGN_OR_RETURN(std::vector<ModelEntry> entries, store->List());
  std::vector<Row> rows = {{"NAME", "ID", "SIZE", "FAMILY", "PARAMS", "QUANT", "MODIFIED"}};
  const auto now = std::chrono::system_clock::now();
  for (const ModelEntry& entry : entries) rows.push_back(RowOf(entry, now));
  PrintTable(rows);
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
