// ConvertHtml: the converter for HTML and XHTML files.
//
// Keeps the main text of the page as blocks (see html_blocks.h for what is
// dropped and how elements map onto blocks): h1..h6 become headings with
// their level, paragraphs and list items paragraphs, <pre> code, tables table
// blocks ("a | b" per row). The title is <title>, else the first heading.
// The charset comes from a BOM or <meta charset>; UTF-8 otherwise.
//
// Thread-safe (no shared mutable state); runs in the hearth-convert child.
//
// Example:
//   ASSIGN_OR_RETURN(StructuredDocument doc, ConvertHtml(bytes, ConvertLimits{}));
#ifndef HEARTH_RAG_CONVERT_HTML_CONVERTER_H_
#define HEARTH_RAG_CONVERT_HTML_CONVERTER_H_

#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the HTML or XHTML document in `bytes`; `format` is "html".
// Errors: InvalidArgument when nothing could be parsed; ResourceExhausted
// when the page nests deeper than limits.max_xml_depth or the output passes
// limits.max_blocks / max_output_bytes. A page with no text converts to a
// document without blocks (the caller decides whether that is an error).
StatusOr<StructuredDocument> ConvertHtml(std::string_view bytes, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_HTML_CONVERTER_H_
