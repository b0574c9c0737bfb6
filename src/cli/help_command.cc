#include <iostream>

#include "cli/commands.h"

namespace hearth::cli {

int RunHelp(const CommandArgs& args) {
  if (!args.empty()) {
    const Command* command = FindCommand(args.front());
    if (command == nullptr) {
      std::cerr << "hearth: unknown verb '" << args.front() << "'\n";
      return kExitUsage;
    }
    return command->run({"--help"});
  }
  std::cout << "hearth: a private AI knowledge base on your own machine\n\n"
               "usage: hearth VERB [flags]\n\nverbs:\n";
  for (const Command& command : AllCommands()) {
    std::cout << "  " << command.name << std::string(10 - command.name.size(), ' ')
              << command.summary << "\n";
  }
  std::cout << "\n'hearth VERB --help' lists a verb's flags; 'hearth --version' the build.\n";
  return kExitOk;
}

}  // namespace hearth::cli
