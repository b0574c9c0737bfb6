#include "rag/convert/xlsx_converter.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "rag/convert/block_writer.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/xml_reader.h"
#include "rag/convert/zip_parts.h"

namespace hearth {
namespace {

constexpr std::string_view kWorkbookPart = "xl/workbook.xml";
// Rows per table block, so that a big sheet is several blocks.
constexpr size_t kRowsPerBlock = 50;
// Columns beyond XFD (the format's last) are treated as malformed.
constexpr size_t kMaxColumns = 16384;

struct Sheet {
  std::string name;
  std::string part;
};

StatusOr<std::vector<Sheet>> ReadSheets(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(XmlDocument workbook, ReadXmlPart(zip, kWorkbookPart, limits));
  ASSIGN_OR_RETURN(auto targets, ReadRelationships(zip, kWorkbookPart, limits));
  std::vector<Sheet> sheets;
  for (const xmlNode* sheet :
       ChildElements(FirstChildElement(workbook.root(), "sheets"), "sheet")) {
    auto found = targets.find(NamespacedAttributeOf(sheet, "id"));
    if (found == targets.end() || !zip.Contains(found->second)) continue;
    sheets.push_back({AttributeOf(sheet, "name"), found->second});
  }
  return sheets;
}

// The text of a string item (<si> or <is>): its runs, phonetic hints skipped.
std::string StringItemText(const xmlNode* item) {
  std::string text;
  for (const xmlNode* child : ChildElements(item)) {
    if (IsElement(child, "t")) {
      text += TextOf(child);
    } else if (IsElement(child, "r")) {
      text += TextOf(FirstChildElement(child, "t"));
    }
  }
  return text;
}

StatusOr<std::vector<std::string>> ReadSharedStrings(ZipArchive& zip, const ConvertLimits& limits) {
  std::vector<std::string> strings;
  if (!zip.Contains("xl/sharedStrings.xml")) return strings;
  ASSIGN_OR_RETURN(XmlDocument shared, ReadXmlPart(zip, "xl/sharedStrings.xml", limits));
  for (const xmlNode* item : ChildElements(shared.root(), "si")) {
    strings.push_back(StringItemText(item));
  }
  return strings;
}

// Zero-based column of a cell reference ("C7" -> 2), or `fallback`.
size_t ColumnOf(std::string_view reference, size_t fallback) {
  size_t column = 0;
  size_t letters = 0;
  for (char c : reference) {
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + static_cast<size_t>(c - 'A' + 1);
    if (++letters > 3) return fallback;
  }
  return letters == 0 ? fallback : column - 1;
}

std::string ColumnName(size_t column) {
  std::string name;
  for (size_t n = column + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

class SheetReader {
 public:
  SheetReader(BlockWriter& writer, const std::vector<std::string>& strings)
      : writer_(writer), strings_(strings) {}

  // Appends the sheet's blocks; false once the cell limit was reached.
  StatusOr<bool> Read(const Sheet& sheet, const xmlNode* worksheet);

 private:
  std::string CellValue(const xmlNode* cell) const;
  std::vector<std::string> RowValues(const xmlNode* row);
  void AddRow(const std::vector<std::string>& values);
  Status FlushRows();

  BlockWriter& writer_;
  const std::vector<std::string>& strings_;
  uint64_t cells_ = 0;
  std::vector<std::string> header_;
  TableText rows_;
};

std::string SheetReader::CellValue(const xmlNode* cell) const {
  std::string type = AttributeOf(cell, "t");
  if (type == "inlineStr") return StringItemText(FirstChildElement(cell, "is"));
  std::string value = TextOf(FirstChildElement(cell, "v"));
  if (type == "s") {
    size_t index = 0;
    for (char c : value) {
      if (c < '0' || c > '9' || index > strings_.size()) return "";
      index = index * 10 + static_cast<size_t>(c - '0');
    }
    return !value.empty() && index < strings_.size() ? strings_[index] : "";
  }
  if (type == "b") return value == "1" ? "TRUE" : "FALSE";
  return value;
}

std::vector<std::string> SheetReader::RowValues(const xmlNode* row) {
  std::vector<std::string> values;
  for (const xmlNode* cell : ChildElements(row, "c")) {
    size_t column = ColumnOf(AttributeOf(cell, "r"), values.size());
    if (column >= kMaxColumns || column < values.size()) column = values.size();
    std::string value = CollapseWhitespace(CellValue(cell));
    if (value.empty()) continue;
    values.resize(column + 1);
    values[column] = std::move(value);
  }
  return values;
}

void SheetReader::AddRow(const std::vector<std::string>& values) {
  if (header_.empty()) {
    header_ = values;
    return;
  }
  for (size_t column = 0; column < values.size(); ++column) {
    if (values[column].empty()) continue;
    std::string name =
        column < header_.size() && !header_[column].empty() ? header_[column] : ColumnName(column);
    rows_.AddCell(name + ": " + values[column]);
  }
  rows_.EndRow();
}

Status SheetReader::FlushRows() { return writer_.Add(BlockKind::kTable, rows_.Take()); }

StatusOr<bool> SheetReader::Read(const Sheet& sheet, const xmlNode* worksheet) {
  RETURN_IF_ERROR(writer_.AddHeading(sheet.name, 1));
  header_.clear();
  const ConvertLimits& limits = writer_.limits();
  for (const xmlNode* row : ChildElements(FirstChildElement(worksheet, "sheetData"), "row")) {
    std::vector<std::string> values = RowValues(row);
    cells_ += values.size();
    if (cells_ > limits.max_cells) {
      writer_.document().warnings.push_back("sheet '" + sheet.name + "' truncated at " +
                                            std::to_string(limits.max_cells) +
                                            " cells (max_cells)");
      RETURN_IF_ERROR(FlushRows());
      return false;
    }
    if (values.empty()) continue;
    AddRow(values);
    if (rows_.rows() >= kRowsPerBlock) RETURN_IF_ERROR(FlushRows());
  }
  // A sheet with only a header row still shows it.
  if (rows_.rows() == 0 && !header_.empty()) {
    for (const std::string& value : header_) rows_.AddCell(value);
  }
  RETURN_IF_ERROR(FlushRows());
  return true;
}

}  // namespace

StatusOr<StructuredDocument> ConvertXlsx(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(std::vector<Sheet> sheets, ReadSheets(zip, limits));
  ASSIGN_OR_RETURN(std::vector<std::string> strings, ReadSharedStrings(zip, limits));
  DocumentBuilder builder("xlsx", limits);
  StructuredDocument& document = builder.document();
  document.title = ReadOoxmlTitle(zip, limits);
  BlockWriter writer(builder, limits);
  SheetReader reader(writer, strings);
  for (const Sheet& sheet : sheets) {
    ASSIGN_OR_RETURN(XmlDocument worksheet, ReadXmlPart(zip, sheet.part, limits));
    ASSIGN_OR_RETURN(bool more, reader.Read(sheet, worksheet.root()));
    if (!more) break;
  }
  return std::move(builder).Finish();
}

}  // namespace hearth
