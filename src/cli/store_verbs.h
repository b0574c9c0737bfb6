// What the model-store verbs (create, list, show, rm, cp) share: opening the
// store under the data directory, reading a model name from the command line,
// reporting errors with the right exit code, and Ollama-style human formats
// for sizes and ages.
//
// Thread-safety: verbs run on the main thread; the formatters are pure.
#ifndef HEARTH_CLI_STORE_VERBS_H_
#define HEARTH_CLI_STORE_VERBS_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "cli/global_options.h"
#include "models/model_name.h"
#include "models/model_store.h"

namespace hearth::cli {

// Applies `global` (logging) and opens the store at <home>/models, creating
// it when missing. Errors: InvalidArgument for a bad --log-level; the store's.
StatusOr<std::unique_ptr<ModelStore>> OpenModelStore(const GlobalOptions& global);

// The name `text` given to `verb`, or nullopt after printing a usage error.
std::optional<ModelName> ParseNameArgument(std::string_view verb, std::string_view text);

// Prints "hearth VERB: <message>" on stderr and returns kExitFailure.
int ReportFailure(std::string_view verb, const Status& status);

// Bytes as `ollama list` shows them, in 1000-based units: "512 B",
// "1.2 KB", "1.1 MB", "807 MB", "4.7 GB" (one decimal below 10).
std::string HumanBytes(uint64_t bytes);

// How long ago `then` was, as `ollama list` shows it: "Less than a second
// ago", "5 seconds ago", "About a minute ago", "2 minutes ago", "About an
// hour ago", "3 hours ago", "2 days ago", "3 weeks ago", "4 months ago",
// "2 years ago"; "In the future" for a time after `now`.
std::string HumanAge(std::chrono::system_clock::time_point then,
                     std::chrono::system_clock::time_point now);

}  // namespace hearth::cli

#endif  // HEARTH_CLI_STORE_VERBS_H_
