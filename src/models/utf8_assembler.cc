#include "models/utf8_assembler.h"

#include <algorithm>

#include "base/utf8.h"

namespace hearth {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length a sequence starting with `lead` claims (1 for ASCII and for
// bytes that cannot lead; those are judged by Utf8SequenceLength later).
size_t ClaimedLength(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// How many bytes at the end of `text` start a character that more bytes
// could still complete.
size_t UnfinishedTail(std::string_view text) {
  const size_t limit = std::min<size_t>(3, text.size());
  for (size_t back = 1; back <= limit; ++back) {
    const auto byte = static_cast<unsigned char>(text[text.size() - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: keep looking
    return ClaimedLength(byte) > back ? back : 0;
  }
  return 0;
}

}  // namespace

std::string SanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    const size_t length = Utf8SequenceLength(bytes);
    if (length == 0) {
      out += kReplacement;
      bytes.remove_prefix(1);
      continue;
    }
    out += bytes.substr(0, length);
    bytes.remove_prefix(length);
  }
  return out;
}

std::string Utf8Assembler::Append(std::string_view bytes) {
  held_ += bytes;
  const size_t tail = UnfinishedTail(held_);
  std::string complete = SanitizeUtf8(std::string_view(held_).substr(0, held_.size() - tail));
  held_.erase(0, held_.size() - tail);
  return complete;
}

std::string Utf8Assembler::Flush() {
  std::string rest = held_.empty() ? std::string() : std::string(kReplacement);
  held_.clear();
  return rest;
}

}  // namespace hearth
