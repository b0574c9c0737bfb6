#include "rag/convert/html_converter.h"

#include <utility>

#include "base/status_macros.h"
#include "rag/convert/block_writer.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/html_blocks.h"
#include "rag/convert/xml_reader.h"

namespace hearth {

StatusOr<StructuredDocument> ConvertHtml(std::string_view bytes, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(XmlDocument html, XmlDocument::ParseHtml(bytes, "the HTML document", limits));
  DocumentBuilder builder("html", limits);
  StructuredDocument& document = builder.document();
  document.title = HtmlTitle(html.root());
  BlockWriter writer(builder, limits);
  RETURN_IF_ERROR(AppendHtmlBlocks(html.root(), writer));
  if (document.title.empty()) {
    for (const DocumentBlock& block : document.blocks) {
      if (block.kind == BlockKind::kHeading) {
        document.title = block.text;
        break;
      }
    }
  }
  return std::move(builder).Finish();
}

}  // namespace hearth
