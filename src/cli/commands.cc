#include "cli/commands.h"

#include <iostream>

namespace hearth::cli {
namespace {

constexpr Command kCommands[] = {
    {"serve", "run the server: Ollama and OpenAI APIs, knowledge bases, web UI", RunServe},
    {"version", "print hearth's version and the llama.cpp it was built with", RunVersion},
    {"help", "list the verbs, or explain one: hearth help VERB", RunHelp},
};

}  // namespace

std::span<const Command> AllCommands() { return kCommands; }

const Command* FindCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

int RunCommandLine(const CommandArgs& args) {
  if (args.empty()) return RunHelp({});
  const std::string& verb = args.front();
  if (verb == "--version" || verb == "-v") return RunVersion({});
  if (verb == "--help" || verb == "-h") return RunHelp({});
  const Command* command = FindCommand(verb);
  if (command == nullptr) {
    std::cerr << "hearth: unknown verb '" << verb << "'; run 'hearth help' for the list\n";
    return kExitUsage;
  }
  return command->run(CommandArgs(args.begin() + 1, args.end()));
}

}  // namespace hearth::cli
