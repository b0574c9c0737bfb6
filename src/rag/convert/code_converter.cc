// ConvertCode: source files as verbatim code blocks under a heading that
// names the file and its language.
#include <string>

#include "base/status_macros.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/format_sniffer.h"
#include "rag/convert/text_converters.h"
#include "rag/convert/text_decoding.h"

namespace hearth {
namespace {

std::string WithoutTrailingNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

StatusOr<StructuredDocument> ConvertCode(std::string_view text, std::string_view name,
                                         const ConvertLimits& limits) {
  DocumentBuilder builder("code", limits);
  size_t slash = name.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  std::string language = CodeLanguageForName(name);
  // The name is the uploader's bytes; the heading must be UTF-8 like all text.
  RETURN_IF_ERROR(builder.Add(BlockKind::kHeading, 1, 0,
                              DecodeText(base).text + (language.empty() ? "" : " (" + language + ")")));
  std::string block;
  int lines = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    // Long blocks end at a blank line (between functions, usually), or
    // unconditionally at five times the target so a file without blank lines
    // still splits.
    if ((IsBlank(line) && lines >= kCodeBlockLines) || lines >= 5 * kCodeBlockLines) {
      RETURN_IF_ERROR(builder.Add(BlockKind::kCode, 0, 0, WithoutTrailingNewlines(std::move(block))));
      block.clear();
      lines = 0;
      if (IsBlank(line)) continue;
    }
    if (lines == 0 && IsBlank(line)) continue;
    block.append(line).push_back('\n');
    ++lines;
  }
  RETURN_IF_ERROR(builder.Add(BlockKind::kCode, 0, 0, WithoutTrailingNewlines(std::move(block))));
  return std::move(builder).Finish();
}

}  // namespace hearth
