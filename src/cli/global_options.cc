#include "cli/global_options.h"

#include <iostream>

#include "base/environment.h"
#include "base/logging.h"
#include "base/paths.h"

namespace hearth::cli {

void BindGlobalOptions(OptionBinder& binder, GlobalOptions& options) {
  if (options.home.empty()) options.home = DefaultHearthHome().string();
  binder.Bind("home", "HEARTH_HOME", &options.home, "data directory");
  binder.Bind("log-level", "HEARTH_LOG_LEVEL", &options.log_level,
              "debug, info, warning or error");
  binder.Bind("log-json", "HEARTH_LOG_JSON", &options.log_json, "log one JSON object per line");
}

Status ApplyGlobalOptions(const GlobalOptions& options) {
  StatusOr<LogLevel> level = ParseLogLevel(options.log_level);
  if (!level.ok()) return level.status().WithContext("--log-level");
  ConfigureLogging(LogOptions{.level = *level, .json = options.log_json});
  return OkStatus();
}

std::optional<int> ParseVerbFlags(OptionBinder& binder, std::string_view usage,
                                  const CommandArgs& args, CommandArgs* positional) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: " << usage << "\n\nflags (environment variable in parentheses):\n"
                << binder.Help();
      return kExitOk;
    }
  }
  Status env = binder.ApplyEnvironment(Environment::Process());
  if (!env.ok()) {
    std::cerr << "hearth: " << env.message() << "\n";
    return kExitUsage;
  }
  StatusOr<CommandArgs> rest = binder.ApplyFlags(args);
  if (!rest.ok()) {
    std::cerr << "hearth: " << rest.status().message() << "\nusage: " << usage << "\n";
    return kExitUsage;
  }
  *positional = std::move(*rest);
  return std::nullopt;
}

}  // namespace hearth::cli
