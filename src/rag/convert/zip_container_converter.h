// ConvertZipContainer: the converter for zip-based documents — DOCX, ODT,
// PPTX, XLSX and EPUB. The format is detected from the archive's content,
// never from a file name: a `mimetype` entry (EPUB, ODT), or the main part of
// an OOXML package (word/document.xml, ppt/presentation.xml,
// xl/workbook.xml). Each format has its own converter (docx_converter.h,
// odt_converter.h, pptx_converter.h, xlsx_converter.h, epub_converter.h).
//
// The archive is untrusted: entries are inflated in memory under the zip
// limits of ConvertLimits (a zip bomb fails with ResourceExhausted), XML is
// parsed without network, DTDs or entity expansion and under max_xml_depth.
//
// Thread-safe (no shared mutable state); runs in the hearth-convert child.
//
// Example:
//   ASSIGN_OR_RETURN(StructuredDocument doc, ConvertZipContainer(bytes, ConvertLimits{}));
//   // doc.format is "docx", "odt", "pptx", "xlsx" or "epub".
#ifndef HEARTH_RAG_CONVERT_ZIP_CONTAINER_CONVERTER_H_
#define HEARTH_RAG_CONVERT_ZIP_CONTAINER_CONVERTER_H_

#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the zip-based document in `bytes`.
// Errors: InvalidArgument when the bytes are not a readable zip archive, when
// the archive is none of the supported formats, or when a required part is
// missing or malformed; ResourceExhausted when a limit of `limits` is hit
// (entries, inflated bytes, XML depth, blocks, output bytes).
StatusOr<StructuredDocument> ConvertZipContainer(std::string_view bytes,
                                                 const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_ZIP_CONTAINER_CONVERTER_H_
