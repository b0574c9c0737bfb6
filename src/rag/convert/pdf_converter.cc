#include "rag/convert/pdf_converter.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <string>

#include "base/status_macros.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/page_ocr.h"
#include "rag/convert/text_decoding.h"

namespace hearth {
namespace {

// poppler reports every repair it makes to a damaged file on stderr, which is
// the channel the child uses for its one error line.
void IgnorePopplerMessage(const std::string& /*message*/, void* /*closure*/) {}

std::string ToUtf8(const poppler::ustring& text) {
  poppler::byte_array bytes = text.to_utf8();
  // Page text may hold form feeds and stray control bytes; DecodeText also
  // normalizes line ends.
  return DecodeText(std::string_view(bytes.data(), bytes.size())).text;
}

class PdfReader {
 public:
  PdfReader(const poppler::document& document, const ConvertLimits& limits)
      : document_(document), limits_(limits), builder_("pdf", limits), ocr_(limits.ocr_dpi) {}

  Status Read() {
    StructuredDocument& out = builder_.document();
    out.page_count = document_.pages();
    out.title = std::string(TrimWhitespace(ToUtf8(document_.get_title())));
    int pages = out.page_count;
    if (pages > limits_.max_pages) {
      out.warnings.push_back("only the first " + std::to_string(limits_.max_pages) + " of " +
                             std::to_string(pages) + " pages were converted");
      pages = limits_.max_pages;
    }
    for (int index = 0; index < pages; ++index) RETURN_IF_ERROR(ReadPage(index));
    return OkStatus();
  }

  StructuredDocument Finish() && { return std::move(builder_).Finish(); }

 private:
  Status ReadPage(int index) {
    int32_t number = index + 1;
    std::unique_ptr<poppler::page> page(document_.create_page(index));
    if (page == nullptr) {
      builder_.document().warnings.push_back("page " + std::to_string(number) + " could not be read");
      return OkStatus();
    }
    std::string text = ToUtf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
    if (IsBlank(text)) {
      ASSIGN_OR_RETURN(text, OcrPage(*page, number));
    }
    return builder_.AddParagraphs(text, number);
  }

  // The page's OCR text, or "" with a warning when OCR is off or unavailable.
  StatusOr<std::string> OcrPage(const poppler::page& page, int32_t number) {
    std::string page_name = "page " + std::to_string(number);
    if (!limits_.ocr) {
      builder_.document().warnings.push_back(page_name + " has no text layer and OCR is turned off");
      return std::string();
    }
    StatusOr<std::string> text = ocr_.Recognize(page);
    if (!text.ok()) {
      builder_.document().warnings.push_back(
          page_name + " has no text layer and OCR is unavailable: " + text.status().message());
      return std::string();
    }
    builder_.document().ocr_pages.push_back(number);
    return DecodeText(*text).text;
  }

  const poppler::document& document_;
  const ConvertLimits& limits_;
  DocumentBuilder builder_;
  PageOcr ocr_;
};

}  // namespace

StatusOr<StructuredDocument> ConvertPdf(std::string_view bytes, const ConvertLimits& limits) {
  poppler::set_debug_error_function(IgnorePopplerMessage, nullptr);
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return ResourceExhaustedError("the PDF is larger than 2 GiB");
  }
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (document == nullptr) {
    return InvalidArgumentError("not a PDF: the file is damaged or not a PDF document poppler can open");
  }
  if (document->is_locked()) {
    return PermissionDeniedError(
        "the PDF is encrypted and needs a password to open; remove the password and upload it again");
  }
  PdfReader reader(*document, limits);
  RETURN_IF_ERROR(reader.Read());
  return std::move(reader).Finish();
}

}  // namespace hearth
