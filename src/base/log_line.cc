#include "base/log_line.h"

#include "base/clock.h"
#include "base/escaping.h"

namespace hearth::internal {
namespace {

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Fixed-width names keep the text format's columns aligned.
std::string_view PaddedLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO ";
    case LogLevel::kWarning: return "WARN ";
    case LogLevel::kError: return "ERROR";
  }
  return "?????";
}

std::string Source(const LogRecord& record) {
  std::string source(BaseName(record.file));
  source += ':';
  source += std::to_string(record.line);
  return source;
}

void AppendJsonField(std::string_view key, std::string_view value, std::string& out) {
  if (out.size() > 1) out += ',';
  out += '"';
  out += key;
  out += "\":\"";
  out += JsonEscape(value);
  out += '"';
}

}  // namespace

std::string FormatTextLogLine(const LogRecord& record) {
  std::string line = FormatRfc3339(record.time);
  line += ' ';
  line += PaddedLevelName(record.level);
  line += ' ';
  if (!record.request_id.empty()) {
    line += "[req=";
    line += EscapeForDisplay(record.request_id);
    line += "] ";
  }
  line += Source(record);
  line += ' ';
  line += EscapeForDisplay(record.message);
  return line;
}

std::string FormatJsonLogLine(const LogRecord& record) {
  std::string line = "{";
  AppendJsonField("ts", FormatRfc3339(record.time), line);
  AppendJsonField("level", LogLevelName(record.level), line);
  if (!record.request_id.empty()) AppendJsonField("req", record.request_id, line);
  AppendJsonField("src", Source(record), line);
  AppendJsonField("msg", record.message, line);
  line += '}';
  return line;
}

}  // namespace hearth::internal
