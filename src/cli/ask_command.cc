// `hearth ask WORKSPACE QUESTION...`: one question to a workspace of the
// running server; prints the answer as it is written, then the sources with
// their pages and the trace (milliseconds per stage).
//
//   hearth ask notes "What did we decide about the Q3 budget?"
//   hearth ask notes "And for Q4?" --thread 12      continue a thread
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/server_flags.h"
#include "cli/store_verbs.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth ask WORKSPACE QUESTION... [--thread ID] [--mode chat|query] [--host H --port P]";

std::string Pages(const AskSource& source) {
  if (source.page_first <= 0) return "";
  if (source.page_last <= source.page_first) return ", page " + std::to_string(source.page_first);
  return ", pages " + std::to_string(source.page_first) + "-" + std::to_string(source.page_last);
}

void PrintSources(const AskResult& result) {
  if (result.sources.empty()) return;
  std::cout << "\nSources:\n";
  for (const AskSource& source : result.sources) {
    std::cout << "  [" << source.number << "] " << source.document << Pages(source);
    if (!source.heading.empty()) std::cout << " (" << source.heading << ")";
    if (source.cited) std::cout << "  cited";
    std::cout << "\n";
  }
}

// "retrieval 12.3 ms (query_embed 3.1, ...), queue 0.1 ms, ..." on one line.
void PrintTrace(const AskResult& result) {
  std::ostringstream line;
  line.setf(std::ios::fixed);
  line.precision(1);
  for (const auto& [stage, ms] : result.trace) {
    if (stage == "query_embed_cached") continue;
    std::string name = stage;
    if (name.ends_with("_ms")) name.resize(name.size() - 3);
    line << (line.tellp() > 0 ? ", " : "") << name << " " << ms << " ms";
  }
  std::cout << "\nTrace: " << line.str() << "\n";
  std::cout << "Tokens: " << result.prompt_tokens << " in the prompt ("
            << result.cached_prompt_tokens << " reused from the cache), "
            << result.generated_tokens << " generated\n";
  if (!result.note.empty()) std::cout << "Note: " << result.note << "\n";
  std::cout << "Thread " << result.thread << " (continue it with --thread " << result.thread
            << ")\n";
}

}  // namespace

int RunAsk(const CommandArgs& args) {
  GlobalOptions global;
  ServerAddress address;
  AskRequest request;
  int64_t thread = 0;
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  BindServerAddress(binder, address);
  binder.Bind("thread", "", &thread, "continue this thread (its id is printed after each answer)");
  binder.Bind("mode", "", &request.mode,
              "chat (answer even without sources) or query (only from the documents)");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.size() < 2) {
    std::cerr << "usage: " << kUsage << "\n";
    return kExitUsage;
  }
  request.workspace = positional.front();
  request.question = JoinWords(CommandArgs(positional.begin() + 1, positional.end()));
  if (thread > 0) request.thread = thread;
  StatusOr<AskResult> result = AskWorkspace(address, request, [](std::string_view piece) {
    std::cout << piece << std::flush;
    return true;
  });
  std::cout << "\n";
  if (!result.ok()) {
    std::cerr << "hearth ask: " << result.status().message() << "\n";
    return kExitFailure;
  }
  PrintSources(*result);
  PrintTrace(*result);
  return kExitOk;
}

}  // namespace hearth::cli
