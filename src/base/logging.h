// Logging: one line per message to stderr, as text or JSON.
//
//   HEARTH_LOG(INFO) << "loaded " << name << " in " << ms << " ms";
//
// writes, in the default text format,
//
//   2026-11-21T14:03:05.123Z INFO  [req=abc123] model_store.cc:42 loaded x in 12 ms
//
// or, after ConfigureLogging({.json = true}), one JSON object per line:
//
//   {"ts":"2026-11-21T14:03:05.123Z","level":"info","req":"abc123",
//    "src":"model_store.cc:42","msg":"loaded x in 12 ms"}
//
// (shown wrapped here; it is one line). The request id part appears only while
// a ScopedRequestId (base/request_id.h) is active on the logging thread.
//
// Severities are DEBUG, INFO, WARNING and ERROR. A message below the configured
// level costs one atomic load: its stream arguments are not evaluated.
// Message text is escaped so that one message is always exactly one line: in
// text format newlines and control characters appear as \n, \xNN etc. (and a
// backslash as \\); in JSON format the message is a correctly escaped JSON
// string.
//
// Thread-safety: thread-safe. Each line is written whole under a mutex, so
// lines from concurrent threads never interleave.

#ifndef HEARTH_BASE_LOGGING_H_
#define HEARTH_BASE_LOGGING_H_

#include <functional>
#include <sstream>
#include <string_view>

#include "base/request_id.h"
#include "base/status.h"

namespace hearth {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

struct LogOptions {
  // Messages below this level are dropped.
  LogLevel level = LogLevel::kInfo;
  // One JSON object per line instead of the text format.
  bool json = false;
};

// Applies `options` to all subsequent messages, from every thread. Until it is
// first called, the defaults of LogOptions apply.
void ConfigureLogging(const LogOptions& options);

// Parses a level name: "debug", "info", "warn", "warning" or "error", in any
// case. Anything else is an InvalidArgument error naming the value.
StatusOr<LogLevel> ParseLogLevel(std::string_view text);

// The lower-case name used in JSON lines: "debug", "info", "warn", "error".
std::string_view LogLevelName(LogLevel level);

// True if a message at `level` would currently be written.
bool IsLogLevelEnabled(LogLevel level);

// Sends each finished line (without its trailing newline) to `sink` instead of
// stderr; nullptr restores stderr. For tests. The sink is called under the
// logging mutex, one line at a time, so it needs no locking of its own but
// must not log.
void SetLogSinkForTesting(std::function<void(std::string_view line)> sink);

namespace internal {

// One message being built by HEARTH_LOG; writes it when destroyed, at the end
// of the full expression.
class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();

  LogMessage(const LogMessage&) = delete;
  LogMessage& operator=(const LogMessage&) = delete;

  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  const char* file_;
  int line_;
  std::ostringstream stream_;
};

// Turns the `<<` chain into a void expression, so that HEARTH_LOG can be the
// second branch of a conditional whose first branch is void. `&` binds more
// loosely than `<<` and more tightly than `?:`.
struct LogMessageVoidify {
  void operator&(std::ostream&) {}
};

}  // namespace internal
}  // namespace hearth

#define HEARTH_LOG_LEVEL_DEBUG_ ::hearth::LogLevel::kDebug
#define HEARTH_LOG_LEVEL_INFO_ ::hearth::LogLevel::kInfo
#define HEARTH_LOG_LEVEL_WARNING_ ::hearth::LogLevel::kWarning
#define HEARTH_LOG_LEVEL_ERROR_ ::hearth::LogLevel::kError

// HEARTH_LOG(severity) << ...; where severity is DEBUG, INFO, WARNING or ERROR.
// An expression, so it is safe as the body of an unbraced if/else.
#define HEARTH_LOG(severity)                                                                   \
  !::hearth::IsLogLevelEnabled(HEARTH_LOG_LEVEL_##severity##_)                                 \
      ? static_cast<void>(0)                                                                   \
      : ::hearth::internal::LogMessageVoidify() &                                              \
            ::hearth::internal::LogMessage(HEARTH_LOG_LEVEL_##severity##_, __FILE__, __LINE__) \
                .stream()

#endif  // HEARTH_BASE_LOGGING_H_
