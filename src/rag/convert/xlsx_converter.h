// ConvertXlsx: Excel workbooks (OOXML). Each sheet, in workbook order,
// becomes a level-1 heading (the sheet name) followed by table blocks of at
// most 50 rows; the first non-empty row is the header and later rows read
// "Header: value | Header: value", like the CSV converter. Shared and inline
// strings, numbers as written, booleans as TRUE/FALSE. Reading stops at
// max_cells cells with a warning.
// Internal to rag/convert: ConvertZipContainer (zip_container_converter.h)
// detects the format and calls this.
#ifndef HEARTH_RAG_CONVERT_XLSX_CONVERTER_H_
#define HEARTH_RAG_CONVERT_XLSX_CONVERTER_H_

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/zip_archive.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts the XLSX package in `zip`; format is "xlsx".
// Errors: InvalidArgument when a required part is missing or malformed;
// ResourceExhausted when a limit of `limits` is hit.
StatusOr<StructuredDocument> ConvertXlsx(ZipArchive& zip, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_XLSX_CONVERTER_H_
