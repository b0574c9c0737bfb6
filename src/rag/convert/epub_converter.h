// ConvertEpub: EPUB books. META-INF/container.xml names the package (OPF);
// its spine gives the reading order of the XHTML chapters, each converted
// like HTML (html_blocks.h). Hrefs resolve against the OPF's folder inside
// the archive; nothing touches the file system. Title from the OPF's
// dc:title.
// Internal to rag/convert: ConvertZipContainer (zip_container_converter.h)
// detects the format and calls this.
#ifndef HEARTH_RAG_CONVERT_EPUB_CONVERTER_H_
#define HEARTH_RAG_CONVERT_EPUB_CONVERTER_H_

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/zip_archive.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the EPUB package in `zip`; format is "epub".
// Errors: InvalidArgument when a required part is missing or malformed;
// ResourceExhausted when a limit of `limits` is hit.
StatusOr<StructuredDocument> ConvertEpub(ZipArchive& zip, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_EPUB_CONVERTER_H_
