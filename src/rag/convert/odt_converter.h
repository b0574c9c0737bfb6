// ConvertOdt: OpenDocument text. content.xml's office:text in order:
// text:h (with its outline level) becomes a heading, text:p and list items
// paragraphs, table:table a table block; text:s, text:tab and
// text:line-break become spaces, tabs and newlines. Title from meta.xml.
// Internal to rag/convert: ConvertZipContainer (zip_container_converter.h)
// detects the format and calls this.
#ifndef HEARTH_RAG_CONVERT_ODT_CONVERTER_H_
#define HEARTH_RAG_CONVERT_ODT_CONVERTER_H_

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/zip_archive.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the ODT package in `zip`; format is "odt".
// Errors: InvalidArgument when a required part is missing or malformed;
// ResourceExhausted when a limit of `limits` is hit.
StatusOr<StructuredDocument> ConvertOdt(ZipArchive& zip, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_ODT_CONVERTER_H_
