// ConvertMarkdown: a line-oriented reading of CommonMark's block structure,
// enough to keep headings, code and tables apart for the chunker. Inline
// markup (emphasis, links) is kept as written.
#include <string>
#include <vector>

#include "base/status_macros.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/text_converters.h"

namespace hearth {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Up to three spaces of indentation are allowed before block markers.
std::string_view Unindent(std::string_view line) {
  size_t spaces = 0;
  while (spaces < 3 && spaces < line.size() && line[spaces] == ' ') ++spaces;
  return line.substr(spaces);
}

// The level of an ATX heading line ("## x" -> 2), or 0.
int AtxLevel(std::string_view line) {
  line = Unindent(line);
  int level = 0;
  while (level < static_cast<int>(line.size()) && line[static_cast<size_t>(level)] == '#') ++level;
  if (level == 0 || level > 6) return 0;
  if (static_cast<size_t>(level) < line.size() && line[static_cast<size_t>(level)] != ' ' &&
      line[static_cast<size_t>(level)] != '\t') {
    return 0;
  }
  return level;
}

std::string AtxText(std::string_view line) {
  std::string_view text = TrimWhitespace(Unindent(line));
  while (!text.empty() && text.front() == '#') text.remove_prefix(1);
  text = TrimWhitespace(text);
  size_t closing = text.find_last_not_of('#');
  if (closing != std::string_view::npos && closing + 1 < text.size() && text[closing] == ' ') {
    text = TrimWhitespace(text.substr(0, closing));
  }
  return std::string(text);
}

// 1 for a "===" underline, 2 for "---", else 0.
int SetextLevel(std::string_view line) {
  std::string_view text = TrimWhitespace(line);
  if (text.empty() || Unindent(line).starts_with(' ')) return 0;
  if (text.find_first_not_of('=') == std::string_view::npos) return 1;
  if (text.find_first_not_of('-') == std::string_view::npos) return 2;
  return 0;
}

// "---", "***", "___" (spaces allowed between) outside a paragraph.
bool IsThematicBreak(std::string_view line) {
  std::string_view text = TrimWhitespace(line);
  if (text.empty() || (text[0] != '-' && text[0] != '*' && text[0] != '_')) return false;
  size_t marks = 0;
  for (char c : text) {
    if (c == text[0]) {
      ++marks;
    } else if (c != ' ' && c != '\t') {
      return false;
    }
  }
  return marks >= 3;
}

// The fence a line opens ("```" or "~~~~"), or "".
std::string_view FenceOf(std::string_view line) {
  std::string_view text = Unindent(line);
  if (text.empty() || (text[0] != '`' && text[0] != '~')) return "";
  size_t length = text.find_first_not_of(text[0]);
  if (length == std::string_view::npos) length = text.size();
  return length >= 3 ? text.substr(0, length) : "";
}

bool IsTableRow(std::string_view line) {
  std::string_view text = TrimWhitespace(line);
  return text.size() >= 2 && text.front() == '|';
}

bool IsDelimiterRow(std::string_view line) {
  std::string_view text = TrimWhitespace(line);
  return text.find('-') != std::string_view::npos && text.find('|') != std::string_view::npos &&
         text.find_first_not_of("|-: \t") == std::string_view::npos;
}

std::string TableRowText(std::string_view line) {
  std::string_view text = TrimWhitespace(line);
  if (text.starts_with('|')) text.remove_prefix(1);
  if (text.ends_with('|')) text.remove_suffix(1);
  std::string row;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('|', start);
    if (end == std::string_view::npos) end = text.size();
    if (!row.empty()) row += " | ";
    row += TrimWhitespace(text.substr(start, end - start));
    start = end + 1;
  }
  return row;
}

class MarkdownReader {
 public:
  explicit MarkdownReader(const ConvertLimits& limits) : builder_("markdown", limits) {}

  Status Read(std::string_view text) {
    std::vector<std::string_view> lines = SplitLines(text);
    size_t i = 0;
    while (i < lines.size()) {
      ASSIGN_OR_RETURN(i, ReadFrom(lines, i));
    }
    return FlushParagraph();
  }

  StructuredDocument Finish() && { return std::move(builder_).Finish(); }

 private:
  // Reads the block starting at lines[i]; returns the index after it.
  StatusOr<size_t> ReadFrom(const std::vector<std::string_view>& lines, size_t i) {
    std::string_view line = lines[i];
    if (std::string_view fence = FenceOf(line); !fence.empty()) return ReadFence(lines, i, fence);
    if (int level = AtxLevel(line); level > 0) {
      RETURN_IF_ERROR(FlushParagraph());
      RETURN_IF_ERROR(AddHeading(level, AtxText(line)));
      return i + 1;
    }
    if (int level = SetextLevel(line); level > 0 && !paragraph_.empty()) {
      std::string title = std::move(paragraph_);
      paragraph_.clear();
      RETURN_IF_ERROR(AddHeading(level, std::move(title)));
      return i + 1;
    }
    if (IsTableRow(line) && i + 1 < lines.size() && IsDelimiterRow(lines[i + 1])) {
      return ReadTable(lines, i);
    }
    if (IsBlank(line) || IsThematicBreak(line)) {
      RETURN_IF_ERROR(FlushParagraph());
    } else {
      if (!paragraph_.empty()) paragraph_.push_back('\n');
      paragraph_ += TrimWhitespace(line);
    }
    return i + 1;
  }

  StatusOr<size_t> ReadFence(const std::vector<std::string_view>& lines, size_t i, std::string_view fence) {
    RETURN_IF_ERROR(FlushParagraph());
    std::string code;
    size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      std::string_view closing = FenceOf(lines[j]);
      if (!closing.empty() && closing[0] == fence[0] && closing.size() >= fence.size() &&
          IsBlank(Unindent(lines[j]).substr(closing.size()))) {
        break;
      }
      if (!code.empty() || j > i + 1) code.push_back('\n');
      code += lines[j];
    }
    RETURN_IF_ERROR(builder_.Add(BlockKind::kCode, 0, 0, std::move(code)));
    return j + 1;
  }

  StatusOr<size_t> ReadTable(const std::vector<std::string_view>& lines, size_t i) {
    RETURN_IF_ERROR(FlushParagraph());
    std::string table = TableRowText(lines[i]);
    size_t j = i + 2;  // past the delimiter row
    for (; j < lines.size() && !IsBlank(lines[j]) && lines[j].find('|') != std::string_view::npos; ++j) {
      table += "\n" + TableRowText(lines[j]);
    }
    RETURN_IF_ERROR(builder_.Add(BlockKind::kTable, 0, 0, std::move(table)));
    return j;
  }

  Status AddHeading(int level, std::string text) {
    if (builder_.document().title.empty() && level == 1) builder_.document().title = text;
    return builder_.Add(BlockKind::kHeading, level, 0, std::move(text));
  }

  Status FlushParagraph() {
    Status status = builder_.AddParagraph(std::move(paragraph_));
    paragraph_.clear();
    return status;
  }

  DocumentBuilder builder_;
  std::string paragraph_;
};

}  // namespace

StatusOr<StructuredDocument> ConvertMarkdown(std::string_view text, const ConvertLimits& limits) {
  MarkdownReader reader(limits);
  RETURN_IF_ERROR(reader.Read(text));
  return std::move(reader).Finish();
}

}  // namespace hearth
