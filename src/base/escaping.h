// Escaping of untrusted text for JSON output and for human-readable messages.
//
// Names and messages in hearth often come from clients or files. Before such
// text reaches a log line, a terminal or an error message, it is escaped so
// that it cannot forge extra lines, inject terminal control sequences or
// produce invalid JSON.
//
//   line += "\"msg\":\"" + JsonEscape(message) + "\"";
//   return InvalidArgumentError("bad name " + QuoteForDisplay(name));
//
// Thread-safety: pure functions; safe to call from any thread.

#ifndef HEARTH_BASE_ESCAPING_H_
#define HEARTH_BASE_ESCAPING_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace hearth {

// Returns `text` escaped for use inside a JSON string literal (RFC 8259),
// without the surrounding quotes: `"` and `\` are backslash-escaped, control
// characters become \n, \r, \t, \b, \f or \u00XX, and well-formed UTF-8 is kept
// as is. Bytes that are not well-formed UTF-8 become \ufffd (the replacement
// character), so the result is always valid JSON text.
std::string JsonEscape(std::string_view text);

// Returns `text` as a single printable line: `\` becomes `\\`; \n, \r and \t
// become their C escapes; other control characters (C0, DEL, and the C1 range
// U+0080..U+009F) and bytes that are not well-formed UTF-8 become \xNN, one per
// byte. Other well-formed UTF-8 is kept as is.
std::string EscapeForDisplay(std::string_view text);

// Returns EscapeForDisplay(text) in single quotes, for naming an input in an
// error message: 'a\x00b'. When `text` is longer than `max_bytes`, only its
// first `max_bytes` bytes are shown, followed by "... (N bytes)".
std::string QuoteForDisplay(std::string_view text, size_t max_bytes = 100);

}  // namespace hearth

#endif  // HEARTH_BASE_ESCAPING_H_
