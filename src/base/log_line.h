// Formatting of one log line, in the text and JSON formats described in
// base/logging.h. Separate from the logging machinery so that the formats can
// be tested with fixed inputs.
//
// Thread-safety: pure functions; safe to call from any thread.

#ifndef HEARTH_BASE_LOG_LINE_H_
#define HEARTH_BASE_LOG_LINE_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/logging.h"

namespace hearth::internal {

// Everything that goes into one line. The views must outlive the call.
struct LogRecord {
  std::chrono::system_clock::time_point time;
  LogLevel level = LogLevel::kInfo;
  std::string_view request_id;  // "" when there is none
  std::string_view file;        // a path; only its last component is shown
  int line = 0;
  std::string_view message;
};

// "2026-11-21T14:03:05.123Z INFO  [req=abc123] file.cc:42 message", with the
// level padded to five characters, "[req=...] " omitted when there is no
// request id, and the request id and message escaped by EscapeForDisplay.
// No trailing newline.
std::string FormatTextLogLine(const LogRecord& record);

// {"ts":"...","level":"info","req":"abc123","src":"file.cc:42","msg":"..."}
// with "req" omitted when there is no request id. No trailing newline.
std::string FormatJsonLogLine(const LogRecord& record);

}  // namespace hearth::internal

#endif  // HEARTH_BASE_LOG_LINE_H_
