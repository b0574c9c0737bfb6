#include "rag/convert/odt_converter.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "rag/convert/block_writer.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/xml_reader.h"
#include "rag/convert/zip_parts.h"

namespace hearth {
namespace {

// An integer attribute ("3"), or `fallback` when absent or not a number.
int IntAttribute(const xmlNode* node, std::string_view name, int fallback) {
  std::string value = AttributeOf(node, name);
  int parsed = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  return error == std::errc() && end == value.data() + value.size() ? parsed : fallback;
}

// The text of a paragraph's inline content: text:s (n spaces), text:tab and
// text:line-break expanded; notes, annotations and change marks skipped.
void AppendInlineText(const xmlNode* node, std::string& out) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE && child->content != nullptr) {
      out += reinterpret_cast<const char*>(child->content);
      continue;
    }
    if (child->type != XML_ELEMENT_NODE) continue;
    std::string_view name = LocalName(child);
    if (name == "s") {
      out.append(static_cast<size_t>(std::clamp(IntAttribute(child, "c", 1), 1, 1000)), ' ');
    } else if (name == "tab") {
      out.push_back('\t');
    } else if (name == "line-break") {
      out.push_back('\n');
    } else if (name == "p" || name == "h") {
      if (!out.empty()) out.push_back('\n');  // a paragraph in a frame or a cell
      AppendInlineText(child, out);
    } else if (name != "note" && name != "annotation" && name != "change-start" &&
               name != "change-end" && name != "bookmark-ref" && name != "sequence-decls") {
      AppendInlineText(child, out);
    }
  }
}

class OdtWalker {
 public:
  explicit OdtWalker(BlockWriter& writer) : writer_(writer) {}
  Status Walk(const xmlNode* container);

 private:
  Status WalkTable(const xmlNode* table);
  void CollectRows(const xmlNode* node, TableText& rows);

  BlockWriter& writer_;
};

void OdtWalker::CollectRows(const xmlNode* node, TableText& rows) {
  for (const xmlNode* child : ChildElements(node)) {
    std::string_view name = LocalName(child);
    if (name == "table-row") {
      for (const xmlNode* cell : ChildElements(child, "table-cell")) {
        std::string text;
        AppendInlineText(cell, text);
        rows.AddCell(text);
      }
      rows.EndRow();
    } else if (name == "table-header-rows" || name == "table-rows" || name == "table-row-group") {
      CollectRows(child, rows);
    }
  }
}

Status OdtWalker::WalkTable(const xmlNode* table) {
  TableText rows;
  CollectRows(table, rows);
  return writer_.Add(BlockKind::kTable, rows.Take());
}

Status OdtWalker::Walk(const xmlNode* container) {
  for (const xmlNode* child : ChildElements(container)) {
    std::string_view name = LocalName(child);
    std::string text;
    if (name == "h") {
      AppendInlineText(child, text);
      RETURN_IF_ERROR(writer_.AddHeading(text, IntAttribute(child, "outline-level", 1)));
    } else if (name == "p") {
      AppendInlineText(child, text);
      RETURN_IF_ERROR(writer_.AddParagraph(text));
    } else if (name == "table") {
      RETURN_IF_ERROR(WalkTable(child));
    } else if (name == "list" || name == "list-item" || name == "list-header" ||
               name == "section" || name == "index-body" || name == "table-of-content" ||
               name == "alphabetical-index" || name == "illustration-index" ||
               name == "bibliography") {
      RETURN_IF_ERROR(Walk(child));
    }
  }
  return OkStatus();
}

std::string ReadTitle(ZipArchive& zip, const ConvertLimits& limits) {
  if (!zip.Contains("meta.xml")) return "";
  StatusOr<XmlDocument> meta = ReadXmlPart(zip, "meta.xml", limits);
  if (!meta.ok()) return "";
  const xmlNode* office_meta = FirstChildElement(meta->root(), "meta");
  return CollapseWhitespace(TextOf(FirstChildElement(office_meta, "title")));
}

}  // namespace

StatusOr<StructuredDocument> ConvertOdt(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(XmlDocument content, ReadXmlPart(zip, "content.xml", limits));
  const xmlNode* text = FirstChildElement(FirstChildElement(content.root(), "body"), "text");
  if (text == nullptr) {
    return InvalidArgumentError(
        "content.xml has no <office:text>; the ODT file is malformed or not a text document");
  }
  DocumentBuilder builder("odt", limits);
  StructuredDocument& document = builder.document();
  document.title = ReadTitle(zip, limits);
  BlockWriter writer(builder, limits);
  RETURN_IF_ERROR(OdtWalker(writer).Walk(text));
  return std::move(builder).Finish();
}

}  // namespace hearth
