#include "base/escaping.h"

#include <algorithm>

#include "base/utf8.h"

namespace hearth {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHexByte(std::string_view prefix, unsigned char byte, std::string& out) {
  out += prefix;
  out += kHexDigits[byte >> 4];
  out += kHexDigits[byte & 0x0F];
}

// Appends the JSON escape for an ASCII byte, or returns false if it needs none.
bool AppendJsonAsciiEscape(unsigned char byte, std::string& out) {
  switch (byte) {
    case '"': out += "\\\""; return true;
    case '\\': out += "\\\\"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    case '\t': out += "\\t"; return true;
    case '\b': out += "\\b"; return true;
    case '\f': out += "\\f"; return true;
    default: break;
  }
  if (byte >= 0x20) return false;
  AppendHexByte("\\u00", byte, out);
  return true;
}

// Appends the display escape for an ASCII byte, or returns false if it needs none.
bool AppendDisplayAsciiEscape(unsigned char byte, std::string& out) {
  switch (byte) {
    case '\\': out += "\\\\"; return true;
    case '\n': out += "\\n"; return true;
    case '\r': out += "\\r"; return true;
    case '\t': out += "\\t"; return true;
    default: break;
  }
  if (byte >= 0x20 && byte != 0x7F) return false;
  AppendHexByte("\\x", byte, out);
  return true;
}

// True for the two-byte encodings of U+0080..U+009F, the C1 controls, which
// terminals interpret (0xC2 0x9B is CSI).
bool IsC1Control(std::string_view sequence) {
  return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xC2 &&
         static_cast<unsigned char>(sequence[1]) <= 0x9F;
}

}  // namespace

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out += "\\ufffd";
      text.remove_prefix(1);
      continue;
    }
    if (length > 1 || !AppendJsonAsciiEscape(static_cast<unsigned char>(text[0]), out)) {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out;
}

std::string EscapeForDisplay(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      AppendHexByte("\\x", static_cast<unsigned char>(text[0]), out);
      text.remove_prefix(1);
      continue;
    }
    const std::string_view sequence = text.substr(0, length);
    if (IsC1Control(sequence)) {
      for (const char byte : sequence) AppendHexByte("\\x", static_cast<unsigned char>(byte), out);
    } else if (length > 1 || !AppendDisplayAsciiEscape(static_cast<unsigned char>(text[0]), out)) {
      out.append(sequence);
    }
    text.remove_prefix(length);
  }
  return out;
}

std::string QuoteForDisplay(std::string_view text, size_t max_bytes) {
  size_t cut = std::min(text.size(), max_bytes);
  // Do not split a UTF-8 sequence: back up to the start of the one at `cut`.
  while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  std::string quoted = "'";
  quoted += EscapeForDisplay(text.substr(0, cut));
  quoted += '\'';
  if (cut < text.size()) quoted += "... (" + std::to_string(text.size()) + " bytes)";
  return quoted;
}

}  // namespace hearth
