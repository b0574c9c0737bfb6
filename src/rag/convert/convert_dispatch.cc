#include "rag/convert/convert_dispatch.h"

#include <string>

#include "rag/convert/format_sniffer.h"
#include "rag/convert/html_converter.h"
#include "rag/convert/pdf_converter.h"
#include "rag/convert/text_converters.h"
#include "rag/convert/text_decoding.h"
#include "rag/convert/zip_container_converter.h"

namespace hearth {
namespace {

StatusOr<StructuredDocument> ConvertText(SniffedFormat format, std::string_view bytes, std::string_view name,
                                         const ConvertLimits& limits) {
  std::string text = DecodeText(bytes).text;
  switch (format) {
    case SniffedFormat::kMarkdown:
      return ConvertMarkdown(text, limits);
    case SniffedFormat::kCsv:
      return ConvertDelimitedText(text, GuessCsvDelimiter(text), limits);
    case SniffedFormat::kTsv:
      return ConvertDelimitedText(text, '\t', limits);
    case SniffedFormat::kJson:
      return ConvertJson(text, limits);
    case SniffedFormat::kCode:
      return ConvertCode(text, name, limits);
    default:
      return ConvertPlainText(text, limits);
  }
}

}  // namespace

StatusOr<StructuredDocument> ConvertDocument(std::string_view bytes, std::string_view name,
                                             const ConvertLimits& limits) {
  SniffedFormat format = SniffFormat(bytes, name);
  switch (format) {
    case SniffedFormat::kPdf:
      return ConvertPdf(bytes, limits);
    case SniffedFormat::kZip:
      return ConvertZipContainer(bytes, limits);
    case SniffedFormat::kHtml:
      return ConvertHtml(bytes, limits);
    case SniffedFormat::kUnsupported:
      return InvalidArgumentError("unsupported format: '" + std::string(name) +
                                  "' is binary data that is not a PDF, an office document or HTML");
    default:
      return ConvertText(format, bytes, name, limits);
  }
}

}  // namespace hearth
