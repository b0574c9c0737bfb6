// ConvertPdf: a PDF's text, page by page, through poppler.
//
// Each page's text is taken in reading order (poppler's non-physical layout,
// which follows columns rather than the raw content-stream order) and split
// into paragraphs at blank lines; every block carries its 1-based page. The
// title comes from the document's metadata. Pages with no text layer are
// OCRed (page_ocr.h) when limits.ocr is set and recorded in `ocr_pages`; when
// OCR is unavailable the page is listed in a warning. Pages past
// limits.max_pages are skipped with a warning.
//
// Lives inside the hearth-convert child only: poppler is not hardened against
// hostile files, so the process limits around the child are what bound it.
//
// Thread-safety: not thread-safe (poppler's error callback is global).
#ifndef HEARTH_RAG_CONVERT_PDF_CONVERTER_H_
#define HEARTH_RAG_CONVERT_PDF_CONVERTER_H_

#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

// Errors: InvalidArgument "not a PDF: ..." when poppler cannot open the
// bytes, PermissionDenied for a document that needs a password to open,
// ResourceExhausted when the text exceeds the output limits.
StatusOr<StructuredDocument> ConvertPdf(std::string_view bytes, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_PDF_CONVERTER_H_
