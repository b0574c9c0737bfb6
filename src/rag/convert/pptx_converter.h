// ConvertPptx: PowerPoint presentations (OOXML). Slides in presentation
// order (ppt/presentation.xml's slide list through its relationships); on
// each slide the title placeholder becomes a level-1 heading, other text
// paragraphs and tables table blocks. block.page is the slide number and
// page_count the number of slides; slides past max_pages are skipped with a
// warning.
// Internal to rag/convert: ConvertZipContainer (zip_container_converter.h)
// detects the format and calls this.
#ifndef HEARTH_RAG_CONVERT_PPTX_CONVERTER_H_
#define HEARTH_RAG_CONVERT_PPTX_CONVERTER_H_

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/zip_archive.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the PPTX package in `zip`; format is "pptx".
// Errors: InvalidArgument when a required part is missing or malformed;
// ResourceExhausted when a limit of `limits` is hit.
StatusOr<StructuredDocument> ConvertPptx(ZipArchive& zip, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_PPTX_CONVERTER_H_
