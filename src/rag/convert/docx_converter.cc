#include "rag/convert/docx_converter.h"

#include <map>
#include <string>
#include <utility>

#include "base/ascii.h"
#include "base/status_macros.h"
#include "rag/convert/block_writer.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/xml_reader.h"
#include "rag/convert/zip_parts.h"

namespace hearth {
namespace {

constexpr std::string_view kDocumentPart = "word/document.xml";

// Heading level (1..9) of a style, from its English name ("heading 2",
// "Title"); 0 for other styles.
int LevelOfStyleName(std::string_view name) {
  std::string lower = AsciiToLower(name);
  if (lower == "title") return 1;
  constexpr std::string_view kHeading = "heading ";
  if (lower.size() == kHeading.size() + 1 && lower.starts_with(kHeading) && lower.back() >= '1' &&
      lower.back() <= '9') {
    return lower.back() - '0';
  }
  return 0;
}

// Style id -> heading level, from word/styles.xml. Style ids are localized
// ("berschrift1") but names are not.
StatusOr<std::map<std::string, int>> ReadHeadingStyles(ZipArchive& zip,
                                                       const ConvertLimits& limits) {
  std::map<std::string, int> levels;
  if (!zip.Contains("word/styles.xml")) return levels;
  ASSIGN_OR_RETURN(XmlDocument styles, ReadXmlPart(zip, "word/styles.xml", limits));
  for (const xmlNode* style : ChildElements(styles.root(), "style")) {
    int level = LevelOfStyleName(AttributeOf(FirstChildElement(style, "name"), "val"));
    if (level == 0) level = LevelOfStyleName(AttributeOf(style, "styleId"));
    if (level > 0) levels[AttributeOf(style, "styleId")] = level;
  }
  return levels;
}

class DocxWalker {
 public:
  DocxWalker(BlockWriter& writer, std::map<std::string, int> heading_styles)
      : writer_(writer), heading_styles_(std::move(heading_styles)) {}

  Status WalkBody(const xmlNode* body);

 private:
  Status WalkParagraph(const xmlNode* paragraph);
  Status WalkTable(const xmlNode* table);
  int HeadingLevel(const xmlNode* paragraph) const;

  BlockWriter& writer_;
  std::map<std::string, int> heading_styles_;
};

// The text of runs under `node`: tabs and breaks kept, deleted text and
// field instructions skipped, and of alternate content only the first choice
// (the fallback repeats it).
void AppendRunText(const xmlNode* node, std::string& out) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE && IsElement(node, "t") && child->content != nullptr) {
      out += reinterpret_cast<const char*>(child->content);
      continue;
    }
    if (child->type != XML_ELEMENT_NODE) continue;
    std::string_view name = LocalName(child);
    if (name == "del" || name == "delText" || name == "moveFrom" || name == "instrText" ||
        name == "rPr" || name == "pPr" || name == "Fallback") {
      continue;
    }
    if (name == "tab") {
      out.push_back('\t');
    } else if (name == "br" || name == "cr") {
      out.push_back('\n');
    } else if (name == "p" && !out.empty()) {
      out.push_back('\n');  // a paragraph in a text box or a table cell
      AppendRunText(child, out);
    } else {
      AppendRunText(child, out);
    }
  }
}

int DocxWalker::HeadingLevel(const xmlNode* paragraph) const {
  const xmlNode* properties = FirstChildElement(paragraph, "pPr");
  if (properties == nullptr) return 0;
  std::string style = AttributeOf(FirstChildElement(properties, "pStyle"), "val");
  if (auto found = heading_styles_.find(style); found != heading_styles_.end()) {
    return found->second;
  }
  if (int level = LevelOfStyleName(style); level > 0) return level;
  std::string outline = AttributeOf(FirstChildElement(properties, "outlineLvl"), "val");
  if (outline.size() == 1 && outline[0] >= '0' && outline[0] <= '8') return outline[0] - '0' + 1;
  return 0;
}

Status DocxWalker::WalkParagraph(const xmlNode* paragraph) {
  std::string text;
  AppendRunText(paragraph, text);
  int level = HeadingLevel(paragraph);
  if (level > 0) return writer_.AddHeading(CollapseWhitespace(text), level);
  return writer_.AddParagraph(text);
}

Status DocxWalker::WalkTable(const xmlNode* table) {
  TableText rows;
  for (const xmlNode* row : ChildElements(table, "tr")) {
    for (const xmlNode* cell : ChildElements(row, "tc")) {
      std::string text;
      AppendRunText(cell, text);
      rows.AddCell(text);
    }
    rows.EndRow();
  }
  return writer_.Add(BlockKind::kTable, rows.Take());
}

Status DocxWalker::WalkBody(const xmlNode* body) {
  for (const xmlNode* child : ChildElements(body)) {
    std::string_view name = LocalName(child);
    if (name == "p") {
      RETURN_IF_ERROR(WalkParagraph(child));
    } else if (name == "tbl") {
      RETURN_IF_ERROR(WalkTable(child));
    } else if (name == "sdt") {
      RETURN_IF_ERROR(WalkBody(FirstChildElement(child, "sdtContent")));
    } else if (name == "ins" || name == "customXml" || name == "sdtContent" || name == "smartTag") {
      RETURN_IF_ERROR(WalkBody(child));
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<StructuredDocument> ConvertDocx(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(XmlDocument document_xml, ReadXmlPart(zip, kDocumentPart, limits));
  const xmlNode* body = FirstChildElement(document_xml.root(), "body");
  if (body == nullptr) {
    return InvalidArgumentError("word/document.xml has no <w:body>; the DOCX file is malformed");
  }
  ASSIGN_OR_RETURN(auto heading_styles, ReadHeadingStyles(zip, limits));
  DocumentBuilder builder("docx", limits);
  StructuredDocument& document = builder.document();
  document.title = ReadOoxmlTitle(zip, limits);
  BlockWriter writer(builder, limits);
  DocxWalker walker(writer, std::move(heading_styles));
  RETURN_IF_ERROR(walker.WalkBody(body));
  return std::move(builder).Finish();
}

}  // namespace hearth
