#include "rag/text_splitter.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "base/utf8.h"

namespace hearth::internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// `range` without leading and trailing whitespace; empty ranges stay put.
TextRange Trim(std::string_view text, TextRange range) {
  while (range.begin < range.end && IsSpace(text[range.begin])) ++range.begin;
  while (range.end > range.begin && IsSpace(text[range.end - 1])) --range.end;
  return range;
}

void AddTrimmed(std::string_view text, TextRange range, std::vector<TextRange>& out) {
  const TextRange trimmed = Trim(text, range);
  if (trimmed.begin < trimmed.end) out.push_back(trimmed);
}

// The word ending just before `dot` (letters only, lower-cased check).
bool IsAbbreviation(std::string_view text, size_t range_begin, size_t dot) {
  size_t start = dot;
  while (start > range_begin && !IsSpace(text[start - 1])) --start;
  const std::string_view word = text.substr(start, dot - start);
  if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]))) return true;
  static constexpr std::array<std::string_view, 12> kAbbreviations = {
      "e.g", "i.e", "etc", "vs", "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "cf", "al"};
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
}

bool IsCloser(char c) { return c == '"' || c == '\'' || c == ')' || c == ']'; }

// The end of the sentence whose terminator starts at `i`, or npos.
size_t SentenceEndAt(std::string_view text, TextRange range, size_t i) {
  for (std::string_view wide : {"\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F"}) {  // 。！？
    // Only a terminator wholly inside the range ends a sentence.
    if (i + wide.size() <= range.end && text.substr(i, wide.size()) == wide) return i + wide.size();
  }
  const char c = text[i];
  if (c != '.' && c != '!' && c != '?') return std::string_view::npos;
  size_t end = i + 1;
  while (end < range.end && IsCloser(text[end])) ++end;
  if (end < range.end && !IsSpace(text[end])) return std::string_view::npos;
  if (c == '.' && IsAbbreviation(text, range.begin, i)) return std::string_view::npos;
  return end;
}

}  // namespace

std::vector<TextRange> SplitParagraphs(std::string_view text, TextRange range) {
  std::vector<TextRange> out;
  size_t start = range.begin;
  size_t line = range.begin;
  while (line < range.end) {
    const size_t newline = text.find('\n', line);
    const size_t line_end =
        newline == std::string_view::npos ? range.end : std::min(newline, range.end);
    const TextRange content = Trim(text, {line, line_end});
    if (content.begin == content.end) {  // a blank line ends the paragraph
      AddTrimmed(text, {start, line}, out);
      start = line_end;
    }
    line = line_end + 1;
  }
  AddTrimmed(text, {start, range.end}, out);
  return out;
}

std::vector<TextRange> SplitSentences(std::string_view text, TextRange range) {
  std::vector<TextRange> out;
  size_t start = range.begin;
  for (size_t i = range.begin; i < range.end; ++i) {
    const size_t end = SentenceEndAt(text, range, i);
    if (end == std::string_view::npos) continue;
    AddTrimmed(text, {start, end}, out);
    start = end;
    i = end - 1;
  }
  AddTrimmed(text, {start, range.end}, out);
  return out;
}

std::vector<TextRange> SplitLines(std::string_view text, TextRange range) {
  std::vector<TextRange> out;
  size_t start = range.begin;
  while (start < range.end) {
    size_t newline = text.find('\n', start);
    const size_t end = newline == std::string_view::npos ? range.end : std::min(newline, range.end);
    TextRange line{start, end};
    while (line.end > line.begin && IsSpace(text[line.end - 1])) --line.end;
    if (line.end > line.begin) out.push_back(line);
    start = end + 1;
  }
  return out;
}

std::vector<TextRange> SplitWords(std::string_view text, TextRange range) {
  std::vector<TextRange> out;
  size_t i = range.begin;
  while (i < range.end) {
    while (i < range.end && IsSpace(text[i])) ++i;
    const size_t start = i;
    while (i < range.end && !IsSpace(text[i])) ++i;
    if (i > start) out.push_back({start, i});
  }
  return out;
}

std::vector<TextRange> SplitUtf8(std::string_view text, TextRange range, size_t max_bytes) {
  max_bytes = std::max<size_t>(max_bytes, 4);
  std::vector<TextRange> out;
  size_t start = range.begin;
  size_t i = range.begin;
  while (i < range.end) {
    const size_t length = std::max<size_t>(1, Utf8SequenceLength(text.substr(i, range.end - i)));
    if (i + length - start > max_bytes) {
      out.push_back({start, i});
      start = i;
    }
    i += length;
  }
  if (i > start) out.push_back({start, range.end});
  return out;
}

}  // namespace hearth::internal
