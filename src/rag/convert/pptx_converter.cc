#include "rag/convert/pptx_converter.h"

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

constexpr std::string_view kPresentationPart = "ppt/presentation.xml";

// The slide parts in presentation order.
StatusOr<std::vector<std::string>> SlideParts(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(XmlDocument presentation, ReadXmlPart(zip, kPresentationPart, limits));
  ASSIGN_OR_RETURN(auto targets, ReadRelationships(zip, kPresentationPart, limits));
  std::vector<std::string> parts;
  for (const xmlNode* slide :
       ChildElements(FirstChildElement(presentation.root(), "sldIdLst"), "sldId")) {
    auto found = targets.find(NamespacedAttributeOf(slide, "id"));
    if (found != targets.end() && zip.Contains(found->second)) parts.push_back(found->second);
  }
  return parts;
}

// The text of a DrawingML paragraph (a:p): runs, fields and line breaks.
std::string ParagraphText(const xmlNode* paragraph) {
  std::string text;
  for (const xmlNode* child : ChildElements(paragraph)) {
    std::string_view name = LocalName(child);
    if (name == "r" || name == "fld") {
      text += TextOf(FirstChildElement(child, "t"));
    } else if (name == "br") {
      text.push_back('\n');
    }
  }
  return text;
}

bool IsTitleShape(const xmlNode* shape) {
  const xmlNode* placeholder =
      FirstChildElement(FirstChildElement(FirstChildElement(shape, "nvSpPr"), "nvPr"), "ph");
  std::string type = AttributeOf(placeholder, "type");
  return placeholder != nullptr && (type == "title" || type == "ctrTitle");
}

class SlideWalker {
 public:
  explicit SlideWalker(BlockWriter& writer) : writer_(writer) {}
  Status WalkTree(const xmlNode* tree);

 private:
  Status WalkShape(const xmlNode* shape);
  Status WalkGraphicFrame(const xmlNode* frame);

  BlockWriter& writer_;
};

Status SlideWalker::WalkShape(const xmlNode* shape) {
  const xmlNode* body = FirstChildElement(shape, "txBody");
  if (IsTitleShape(shape)) {
    std::string title;
    for (const xmlNode* paragraph : ChildElements(body, "p")) {
      title += ParagraphText(paragraph) + " ";
    }
    return writer_.AddHeading(CollapseWhitespace(title), 1);
  }
  for (const xmlNode* paragraph : ChildElements(body, "p")) {
    RETURN_IF_ERROR(writer_.AddParagraph(ParagraphText(paragraph)));
  }
  return OkStatus();
}

Status SlideWalker::WalkGraphicFrame(const xmlNode* frame) {
  const xmlNode* table = FindDescendant(frame, "tbl");
  if (table == nullptr) return OkStatus();
  TableText rows;
  for (const xmlNode* row : ChildElements(table, "tr")) {
    for (const xmlNode* cell : ChildElements(row, "tc")) {
      std::string text;
      for (const xmlNode* paragraph : ChildElements(FirstChildElement(cell, "txBody"), "p")) {
        text += ParagraphText(paragraph) + " ";
      }
      rows.AddCell(text);
    }
    rows.EndRow();
  }
  return writer_.Add(BlockKind::kTable, rows.Take());
}

Status SlideWalker::WalkTree(const xmlNode* tree) {
  for (const xmlNode* child : ChildElements(tree)) {
    std::string_view name = LocalName(child);
    if (name == "sp") {
      RETURN_IF_ERROR(WalkShape(child));
    } else if (name == "graphicFrame") {
      RETURN_IF_ERROR(WalkGraphicFrame(child));
    } else if (name == "grpSp") {
      RETURN_IF_ERROR(WalkTree(child));
    }
  }
  return OkStatus();
}

}  // namespace

StatusOr<StructuredDocument> ConvertPptx(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(std::vector<std::string> slides, SlideParts(zip, limits));
  DocumentBuilder builder("pptx", limits);
  StructuredDocument& document = builder.document();
  document.title = ReadOoxmlTitle(zip, limits);
  document.page_count = static_cast<int32_t>(slides.size());
  BlockWriter writer(builder, limits);
  for (size_t i = 0; i < slides.size(); ++i) {
    int32_t number = static_cast<int32_t>(i + 1);
    if (number > limits.max_pages) {
      document.warnings.push_back("slides after " + std::to_string(limits.max_pages) +
                                  " were skipped (max_pages)");
      break;
    }
    ASSIGN_OR_RETURN(XmlDocument slide, ReadXmlPart(zip, slides[i], limits));
    writer.set_page(number);
    const xmlNode* tree = FirstChildElement(FirstChildElement(slide.root(), "cSld"), "spTree");
    RETURN_IF_ERROR(SlideWalker(writer).WalkTree(tree));
  }
  return std::move(builder).Finish();
}

}  // namespace hearth
