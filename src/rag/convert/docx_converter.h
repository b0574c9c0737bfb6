// ConvertDocx: Word documents (OOXML). word/document.xml's body in order:
// paragraphs styled as headings (Title, Heading 1..9, resolved through
// word/styles.xml so localized style ids work, or with an outline level)
// become headings, other paragraphs paragraphs, tables table blocks. Deleted
// text of tracked changes is skipped, insertions kept. Title from
// docProps/core.xml. DOCX has no reliable pages: every block has page 0.
// Internal to rag/convert: ConvertZipContainer (zip_container_converter.h)
// detects the format and calls this.
#ifndef HEARTH_RAG_CONVERT_DOCX_CONVERTER_H_
#define HEARTH_RAG_CONVERT_DOCX_CONVERTER_H_

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/zip_archive.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the DOCX package in `zip`; format is "docx".
// Errors: InvalidArgument when a required part is missing or malformed;
// ResourceExhausted when a limit of `limits` is hit.
StatusOr<StructuredDocument> ConvertDocx(ZipArchive& zip, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_DOCX_CONVERTER_H_
