// The hearth binary: `hearth <verb> [flags]`. See cli/commands.h.
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return hearth::cli::RunCommandLine(args);
}
