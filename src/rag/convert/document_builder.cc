#include "rag/convert/document_builder.h"

#include <utility>

#include "base/utf8.h"

namespace hearth {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

// Text as StructuredDocument promises it: valid UTF-8 (a byte that starts no
// valid sequence becomes U+FFFD), '\n' line ends (CRLF and lone CR become
// LF), no NUL. The parsers below (libxml2's HTML recovery, poppler) can hand
// on stray bytes of a damaged file.
std::string CleanText(std::string text) {
  if (IsValidUtf8(text) && text.find_first_of(std::string_view("\r\0", 2)) == std::string::npos) {
    return text;
  }
  std::string out;
  out.reserve(text.size());
  std::string_view rest = text;
  while (!rest.empty()) {
    const size_t length = Utf8SequenceLength(rest);
    if (length == 0) {
      AppendUtf8(out, kReplacement);
      rest.remove_prefix(1);
    } else if (rest[0] == '\r') {
      out.push_back('\n');
      rest.remove_prefix(rest.starts_with("\r\n") ? 2 : 1);
    } else {
      if (rest[0] != '\0') out.append(rest.substr(0, length));
      rest.remove_prefix(length);
    }
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

DocumentBuilder::DocumentBuilder(std::string format, const ConvertLimits& limits) : limits_(limits) {
  document_.format = std::move(format);
}

Status DocumentBuilder::Add(BlockKind kind, int32_t level, int32_t page, std::string text) {
  text = CleanText(std::move(text));
  if (IsBlank(text)) return OkStatus();
  if (document_.blocks.size() >= limits_.max_blocks) {
    return ResourceExhaustedError("the document has more than " + std::to_string(limits_.max_blocks) +
                                  " blocks (the converter's block limit)");
  }
  if (output_bytes_ + text.size() > limits_.max_output_bytes) {
    return ResourceExhaustedError("the document's text is larger than " +
                                  std::to_string(limits_.max_output_bytes) +
                                  " bytes (the converter's output limit)");
  }
  output_bytes_ += text.size();
  document_.blocks.push_back(DocumentBlock{kind, level, page, std::move(text)});
  return OkStatus();
}

Status DocumentBuilder::AddParagraphs(std::string_view text, int32_t page) {
  std::string paragraph;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (IsBlank(line)) {
      Status status = AddParagraph(std::string(TrimWhitespace(paragraph)), page);
      if (!status.ok()) return status;
      paragraph.clear();
    } else {
      if (!paragraph.empty()) paragraph.push_back('\n');
      paragraph.append(line);
    }
    start = end + 1;
  }
  return AddParagraph(std::string(TrimWhitespace(paragraph)), page);
}

}  // namespace hearth
