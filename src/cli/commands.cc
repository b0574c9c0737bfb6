#include "cli/commands.h"

#include <iostream>

namespace hearth::cli {
namespace {

constexpr Command kCommands[] = {
    {"serve", "run the server: Ollama and OpenAI APIs, knowledge bases, web UI", RunServe},
    {"version", "print hearth's version and the llama.cpp it was built with", RunVersion},
    {"help", "list the verbs, or explain one: hearth help VERB", RunHelp},
    {"pull", "fetch a model from a registry: hearth pull llama3.2:1b", RunPull},
    {"create", "install a model: hearth create NAME --from FILE.gguf, or -f Modelfile", RunCreate},
    {"list", "list the installed models", RunList},
    {"show", "show a model's details, template, system prompt and parameters", RunShow},
    {"rm", "remove models and the blobs no other model uses", RunRm},
    {"cp", "copy a model under a new name: hearth cp SOURCE DESTINATION", RunCp},
    {"quantize", "make a quantized copy of a model: hearth quantize NAME --type q4_K_M", RunQuantize},
    {"doctor", "which quantization of a model fits this machine's memory", RunDoctor},
    {"ingest", "add documents to a workspace: hearth ingest WORKSPACE FILE_OR_DIR...", RunIngest},
    {"ask", "ask a workspace a question: hearth ask WORKSPACE QUESTION...", RunAsk},
    {"check", "verify that the database, indexes and documents agree (--repair rebuilds indexes)",
     RunCheck},
    {"backup", "copy the data (database, documents, models) while the server runs: hearth backup DIR",
     RunBackup},
    {"restore", "bring a backup back into a stopped server's home: hearth restore DIR [--force]",
     RunRestore},
    {"run", "chat with a model on the terminal: hearth run NAME [PROMPT]", RunRun},
    {"user", "manage users (multi-user mode): hearth user add NAME --role admin", RunUser},
    {"routes", "list the HTTP routes with the action and resource each is authorized for", RunRoutes},
    {"ps", "list the models the running server holds in memory, and why", RunPs},
    {"stop", "unload a model from the running server: hearth stop NAME", RunStop},
};

// Verbs hearth runs itself (child processes); `hearth help` does not list them.
constexpr Command kInternalCommands[] = {
    {"quantize-worker", "the child process of hearth quantize", RunQuantizeWorker},
    {"runner", "internal: the child process that serves one loaded model on a Unix socket",
     RunRunner},
};

}  // namespace

std::span<const Command> AllCommands() { return kCommands; }

const Command* FindCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  for (const Command& command : kInternalCommands) {
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

std::string JoinWords(const CommandArgs& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

}  // namespace hearth::cli
