// The verbs of the `hearth` command line.
//
// Each verb is a function from its arguments (after the verb) to an exit
// code: 0 success, 1 the work failed, 2 the command line was wrong. A verb
// parses its flags with an OptionBinder, calls the layer below, and prints.
//
// Thread-safety: verbs run on the main thread.
#ifndef HEARTH_CLI_COMMANDS_H_
#define HEARTH_CLI_COMMANDS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

using CommandArgs = std::vector<std::string>;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `hearth help`
  int (*run)(const CommandArgs& args);
};

// Every verb, in the order `hearth help` lists them.
std::span<const Command> AllCommands();

// The verb called `name`, or nullptr.
const Command* FindCommand(std::string_view name);

// Runs the whole command line (argv without the program name):
// `hearth --version`, `hearth help [verb]`, `hearth <verb> [args]`.
int RunCommandLine(const CommandArgs& args);

// The words joined by single spaces (a prompt given as several arguments).
std::string JoinWords(const CommandArgs& words);

// The verbs themselves (one file each).
int RunHelp(const CommandArgs& args);
int RunVersion(const CommandArgs& args);
int RunServe(const CommandArgs& args);
int RunPull(const CommandArgs& args);
int RunQuantize(const CommandArgs& args);
int RunQuantizeWorker(const CommandArgs& args);
int RunRunner(const CommandArgs& args);
int RunDoctor(const CommandArgs& args);
int RunCreate(const CommandArgs& args);
int RunList(const CommandArgs& args);
int RunShow(const CommandArgs& args);
int RunRm(const CommandArgs& args);
int RunCp(const CommandArgs& args);
int RunRun(const CommandArgs& args);
int RunIngest(const CommandArgs& args);
int RunAsk(const CommandArgs& args);
int RunCheck(const CommandArgs& args);
int RunBackup(const CommandArgs& args);
int RunRestore(const CommandArgs& args);
int RunUser(const CommandArgs& args);
int RunRoutes(const CommandArgs& args);
int RunPs(const CommandArgs& args);
int RunStop(const CommandArgs& args);

}  // namespace hearth::cli

#endif  // HEARTH_CLI_COMMANDS_H_
