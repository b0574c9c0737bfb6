// ConvertDelimitedText: CSV and TSV as header-labelled rows, so each chunk of
// a table still says what its numbers mean.
#include <string>
#include <vector>

#include "base/status_macros.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/text_converters.h"

namespace hearth {
namespace {

// Reads RFC 4180 records one at a time. A quote opens a quoted field only at
// the start of a field; inside, "" is a quote and line breaks are kept.
class RecordReader {
 public:
  RecordReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

  bool Done() const { return position_ >= text_.size(); }

  std::vector<std::string> Next() {
    std::vector<std::string> fields(1);
    bool quoted = false;
    bool at_field_start = true;
    while (position_ < text_.size()) {
      char c = text_[position_++];
      if (quoted) {
        if (c != '"') {
          fields.back().push_back(c);
        } else if (position_ < text_.size() && text_[position_] == '"') {
          fields.back().push_back('"');
          ++position_;
        } else {
          quoted = false;
        }
        continue;
      }
      if (c == '\n') break;
      if (c == delimiter_) {
        fields.emplace_back();
        at_field_start = true;
        continue;
      }
      if (c == '"' && at_field_start) {
        quoted = true;
      } else {
        fields.back().push_back(c);
      }
      at_field_start = false;
    }
    return fields;
  }

 private:
  std::string_view text_;
  char delimiter_;
  size_t position_ = 0;
};

bool AllBlank(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    if (!IsBlank(field)) return false;
  }
  return true;
}

// "Header1: v1 | Header2: v2"; cells without a header are "column N".
std::string RowText(const std::vector<std::string>& header, const std::vector<std::string>& row) {
  std::string text;
  for (size_t i = 0; i < row.size(); ++i) {
    std::string_view value = TrimWhitespace(row[i]);
    if (value.empty()) continue;
    std::string_view name = i < header.size() ? TrimWhitespace(header[i]) : std::string_view();
    if (!text.empty()) text += " | ";
    text += name.empty() ? "column " + std::to_string(i + 1) : std::string(name);
    text += ": ";
    text += value;
  }
  return text;
}

}  // namespace

char GuessCsvDelimiter(std::string_view text) {
  std::string_view first_line = text.substr(0, text.find('\n'));
  size_t commas = 0;
  size_t semicolons = 0;
  bool quoted = false;
  for (char c : first_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    commas += c == ',' ? 1 : 0;
    semicolons += c == ';' ? 1 : 0;
  }
  return semicolons > commas ? ';' : ',';
}

StatusOr<StructuredDocument> ConvertDelimitedText(std::string_view text, char delimiter,
                                                  const ConvertLimits& limits) {
  DocumentBuilder builder(delimiter == '\t' ? "tsv" : "csv", limits);
  RecordReader reader(text, delimiter);
  std::vector<std::string> header;
  while (!reader.Done() && AllBlank(header)) header = reader.Next();
  uint64_t cells = header.size();
  std::string block;
  int rows_in_block = 0;
  while (!reader.Done()) {
    std::vector<std::string> row = reader.Next();
    if (AllBlank(row)) continue;
    cells += row.size();
    if (cells > limits.max_cells) {
      builder.document().warnings.push_back("the table was truncated at " + std::to_string(limits.max_cells) +
                                            " cells");
      break;
    }
    if (!block.empty()) block.push_back('\n');
    block += RowText(header, row);
    if (++rows_in_block == kRowsPerTableBlock) {
      RETURN_IF_ERROR(builder.Add(BlockKind::kTable, 0, 0, std::move(block)));
      block.clear();
      rows_in_block = 0;
    }
  }
  RETURN_IF_ERROR(builder.Add(BlockKind::kTable, 0, 0, std::move(block)));
  // A file with a header and no rows still has its header as content.
  if (builder.document().blocks.empty()) {
    std::string header_text;
    for (const std::string& name : header) {
      if (!header_text.empty()) header_text += " | ";
      header_text += TrimWhitespace(name);
    }
    RETURN_IF_ERROR(builder.Add(BlockKind::kTable, 0, 0, std::move(header_text)));
  }
  return std::move(builder).Finish();
}

}  // namespace hearth
