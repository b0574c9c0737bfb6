// `hearth backup DIR` and `hearth restore DIR [--force]`: copy a data
// directory (database snapshot, originals, models, with a checksummed
// MANIFEST) while the server may run, and bring it back into a stopped
// server's home, then rebuild the derived indexes and check that everything
// agrees (hearth check --repair). The work is in app/backup.h,
// app/restore.h and app/consistency_check.h.
#include <iostream>

#include "app/backup.h"
#include "app/consistency_check.h"
#include "app/restore.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kBackupUsage[] = "hearth backup DIR";
constexpr char kRestoreUsage[] = "hearth restore DIR [--force]";

// Parses the flags bound in `binder` and the one DIR argument.
std::optional<int> ParseDirectory(std::string_view verb, OptionBinder& binder,
                                  std::string_view usage, const CommandArgs& args,
                                  std::string* directory) {
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, usage, args, &positional)) return exit_code;
  if (positional.size() != 1) {
    std::cerr << "hearth " << verb << ": expected one directory; usage: " << usage << "\n";
    return kExitUsage;
  }
  *directory = positional.front();
  return std::nullopt;
}

// The vector indexes are not in a backup: rebuilt here from the restored
// database, with the check that the restored stores agree.
int CheckRestored(const GlobalOptions& global) {
  StatusOr<std::unique_ptr<ModelStore>> models = OpenModelStore(global);
  if (!models.ok()) return ReportFailure("restore", models.status());
  StatusOr<ConsistencyReport> report = CheckKnowledgeBase(global.home, **models, /*repair=*/true);
  if (!report.ok()) return ReportFailure("restore", report.status());
  std::cout << "rebuilt the indexes: " << report->workspaces << " workspaces, " << report->documents
            << " documents, " << report->chunks << " chunks, " << report->vectors << " vectors\n";
  for (const std::string& problem : report->problems) std::cout << "problem: " << problem << "\n";
  if (report->consistent()) return kExitOk;
  std::cerr << "hearth restore: the restored data has problems (above); see hearth check\n";
  return kExitFailure;
}

}  // namespace

int RunBackup(const CommandArgs& args) {
  GlobalOptions global;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  std::string directory;
  if (auto exit_code = ParseDirectory("backup", binder, kBackupUsage, args, &directory)) {
    return *exit_code;
  }
  if (Status applied = ApplyGlobalOptions(global); !applied.ok())
    return ReportFailure("backup", applied);
  StatusOr<BackupSummary> summary = CreateBackup(global.home, directory);
  if (!summary.ok()) return ReportFailure("backup", summary.status());
  std::cout << "backed up " << global.home << " to " << directory << ": the database, "
            << summary->documents << " documents, " << summary->model_files << " model files ("
            << summary->files << " files, " << HumanBytes(summary->bytes) << ")\n";
  return kExitOk;
}

int RunRestore(const CommandArgs& args) {
  GlobalOptions global;
  bool force = false;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  binder.Bind("force", "", &force, "replace a data directory that already holds data");
  std::string directory;
  if (auto exit_code = ParseDirectory("restore", binder, kRestoreUsage, args, &directory)) {
    return *exit_code;
  }
  if (Status applied = ApplyGlobalOptions(global); !applied.ok())
    return ReportFailure("restore", applied);
  StatusOr<RestoreSummary> summary = RestoreBackup(directory, global.home, {.force = force});
  if (!summary.ok()) return ReportFailure("restore", summary.status());
  std::cout << "restored " << directory << " into " << global.home << " (" << summary->files
            << " files, " << HumanBytes(summary->bytes) << " verified)\n";
  return CheckRestored(global);
}

}  // namespace hearth::cli
