// ConvertPlainText: text without inner structure, as paragraphs.
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/text_converters.h"

namespace hearth {

StatusOr<StructuredDocument> ConvertPlainText(std::string_view text, const ConvertLimits& limits) {
  DocumentBuilder builder("text", limits);
  RETURN_IF_ERROR(builder.AddParagraphs(text));
  return std::move(builder).Finish();
}

}  // namespace hearth
