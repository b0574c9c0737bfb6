#include <iostream>

#include "cli/commands.h"
#include "cli/global_options.h"
#include "models/llama_backend.h"

namespace hearth::cli {

int RunVersion(const CommandArgs& args) {
  OptionBinder binder;
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, "hearth version", args, &positional)) {
    return *exit_code;
  }
  const LlamaBuildInfo& llama = GetLlamaBuildInfo();
  std::cout << "hearth " << HEARTH_VERSION << "\n"
            << "llama.cpp " << llama.version << " (commit " << llama.commit << ", library "
            << llama.library << ")\n"
            << "llama.cpp build flags: " << llama.build_flags << "\n"
            << "ggml: " << llama.system_info << "\n";
  return kExitOk;
}

}  // namespace hearth::cli
