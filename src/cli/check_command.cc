// `hearth check [--repair]`: do the database, the full-text index, the
// vector indexes and the stored originals agree? Prints what it counted and
// every disagreement; with --repair, rebuilds what is derived (the indexes).
// Exit status 0 when consistent, 1 otherwise. Run it while the server is
// stopped.
#include <iostream>

#include "app/consistency_check.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] = "hearth check [--repair]";

StatusOr<bool> Check(const GlobalOptions& global, bool repair) {
  ASSIGN_OR_RETURN(std::unique_ptr<ModelStore> models, OpenModelStore(global));
  ASSIGN_OR_RETURN(ConsistencyReport report, CheckKnowledgeBase(global.home, *models, repair));
  std::cout << report.workspaces << " workspaces, " << report.documents << " documents, "
            << report.chunks << " chunks, " << report.vectors << " vectors, "
            << report.lexical_chunks << " lexically indexed chunks";
  if (report.unfinished_jobs > 0) {
    std::cout << "; " << report.unfinished_jobs << " ingestion jobs resume at the next start";
  }
  std::cout << "\n";
  for (const std::string& repair_done : report.repairs) std::cout << "repaired: " << repair_done << "\n";
  for (const std::string& note : report.notes) std::cout << "note: " << note << "\n";
  for (const std::string& problem : report.problems) std::cout << "problem: " << problem << "\n";
  std::cout << (report.consistent() ? "consistent\n" : "NOT consistent\n");
  return report.consistent();
}

}  // namespace

int RunCheck(const CommandArgs& args) {
  GlobalOptions global;
  bool repair = false;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  binder.Bind("repair", "", &repair, "rebuild derived data (full-text and vector indexes)");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (!positional.empty()) {
    std::cerr << "hearth check: unexpected argument '" << positional.front() << "'\n";
    return kExitUsage;
  }
  if (Status applied = ApplyGlobalOptions(global); !applied.ok()) return ReportFailure("check", applied);
  StatusOr<bool> consistent = Check(global, repair);
  if (!consistent.ok()) return ReportFailure("check", consistent.status());
  return *consistent ? kExitOk : kExitFailure;
}

}  // namespace hearth::cli
