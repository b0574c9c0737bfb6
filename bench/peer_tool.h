// Running a peer program (llama-bench, llama-simple, cat) for a benchmark and
// collecting what it printed.
//
// Thread-safety: thread-safe (each call owns its child).
//
// Example:
//   ASSIGN_OR_RETURN(ToolOutput out, RunTool({tools / "llama-bench", "-m", model, "-o", "jsonl"}));
//   for (const std::string& line : SplitLines(out.stdout_text)) ...
#ifndef HEARTH_BENCH_PEER_TOOL_H_
#define HEARTH_BENCH_PEER_TOOL_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace hearth::bench {

struct ToolOutput {
  std::string stdout_text;
  std::string stderr_text;
  double seconds = 0;  // from spawn to exit
};

// Runs argv (argv[0] a path) to completion with both outputs captured.
// Errors: ChildProcess::Spawn's; Internal when the program does not exit
// with 0 (the message has how it ended and the tail of its stderr).
StatusOr<ToolOutput> RunTool(const std::vector<std::string>& argv);

// The lines of `text`, without their line ends; no empty last line.
std::vector<std::string> SplitLines(const std::string& text);

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_PEER_TOOL_H_
