#include "base/logging.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

#include "base/ascii.h"
#include "base/clock.h"
#include "base/escaping.h"
#include "base/log_line.h"
#include "base/no_destructor.h"
#include "base/thread_annotations.h"

namespace hearth {
namespace {

// The level and format are read on every HEARTH_LOG, so they are atomics
// rather than mutex-guarded; the sink is only touched when a line is written.
std::atomic<LogLevel> g_min_level{LogLevel::kInfo};
std::atomic<bool> g_json{false};

class LogOutput {
 public:
  void SetSink(std::function<void(std::string_view)> sink) LOCKS_EXCLUDED(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    sink_ = std::move(sink);
  }

  void Write(std::string line) LOCKS_EXCLUDED(mu_) {
    std::lock_guard<std::mutex> lock(mu_);
    if (sink_) {
      sink_(line);
      return;
    }
    // One fwrite of the whole line: stderr is unbuffered, so this is one write(2).
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }

 private:
  std::mutex mu_;
  std::function<void(std::string_view)> sink_ GUARDED_BY(mu_);
};

LogOutput& Output() {
  // Never destroyed: threads may still log while static objects are torn down.
  static NoDestructor<LogOutput> output;
  return *output.get();
}

}  // namespace

void ConfigureLogging(const LogOptions& options) {
  g_min_level.store(options.level, std::memory_order_relaxed);
  g_json.store(options.json, std::memory_order_relaxed);
}

StatusOr<LogLevel> ParseLogLevel(std::string_view text) {
  if (EqualsIgnoreAsciiCase(text, "debug")) return LogLevel::kDebug;
  if (EqualsIgnoreAsciiCase(text, "info")) return LogLevel::kInfo;
  if (EqualsIgnoreAsciiCase(text, "warn") || EqualsIgnoreAsciiCase(text, "warning")) {
    return LogLevel::kWarning;
  }
  if (EqualsIgnoreAsciiCase(text, "error")) return LogLevel::kError;
  return InvalidArgumentError(QuoteForDisplay(text) +
                              " is not a log level; use debug, info, warn or error");
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warn";
    case LogLevel::kError: return "error";
  }
  return "unknown";
}

bool IsLogLevelEnabled(LogLevel level) {
  return level >= g_min_level.load(std::memory_order_relaxed);
}

void SetLogSinkForTesting(std::function<void(std::string_view line)> sink) {
  Output().SetSink(std::move(sink));
}

namespace internal {

LogMessage::LogMessage(LogLevel level, const char* file, int line)
    : level_(level), file_(file), line_(line) {}

LogMessage::~LogMessage() {
  const std::string message = stream_.str();
  const LogRecord record{
      .time = Clock::Real().WallNow(),
      .level = level_,
      .request_id = CurrentRequestId(),
      .file = file_,
      .line = line_,
      .message = message,
  };
  Output().Write(g_json.load(std::memory_order_relaxed) ? FormatJsonLogLine(record)
                                                        : FormatTextLogLine(record));
}

}  // namespace internal
}  // namespace hearth
