// Options every verb shares (data directory, logging) and the one routine
// that turns a verb's command line into its options structs.
#ifndef HEARTH_CLI_GLOBAL_OPTIONS_H_
#define HEARTH_CLI_GLOBAL_OPTIONS_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/options.h"
#include "base/status.h"
#include "cli/commands.h"

namespace hearth::cli {

struct GlobalOptions {
  // Where hearth keeps its database, blobs, models and index ($HEARTH_HOME,
  // default ~/.hearth).
  std::string home;
  // debug | info | warning | error
  std::string log_level = "info";
  // One JSON object per log line instead of text.
  bool log_json = false;
};

// Registers GlobalOptions' flags and variables; `options` must outlive `binder`.
void BindGlobalOptions(OptionBinder& binder, GlobalOptions& options);

// Configures logging from `options`. InvalidArgument for an unknown level.
Status ApplyGlobalOptions(const GlobalOptions& options);

// Applies the environment, then `args`, to everything bound in `binder`.
// On success stores the positional arguments and returns nullopt; when the
// verb should exit now (--help printed, or a usage error reported on stderr)
// returns the exit code.
std::optional<int> ParseVerbFlags(OptionBinder& binder, std::string_view usage,
                                  const CommandArgs& args, CommandArgs* positional);

}  // namespace hearth::cli

#endif  // HEARTH_CLI_GLOBAL_OPTIONS_H_
