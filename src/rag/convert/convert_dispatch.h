// ConvertDocument: the entry point of the converters. Sniffs the format of
// an uploaded file (format_sniffer.h) and hands it to the converter for it.
//
// Runs inside the hearth-convert child only (the parsers are not trusted
// with the server's address space).
//
// Thread-safety: not thread-safe (the PDF converter is not).
#ifndef HEARTH_RAG_CONVERT_CONVERT_DISPATCH_H_
#define HEARTH_RAG_CONVERT_CONVERT_DISPATCH_H_

#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

// Converts `bytes`, uploaded under `name` (whose extension only picks among
// text formats). Errors: InvalidArgument "unsupported format: ..." for binary
// content no converter reads, and whatever the chosen converter returns
// (InvalidArgument for a damaged file, PermissionDenied for a locked one,
// ResourceExhausted when a limit is hit).
StatusOr<StructuredDocument> ConvertDocument(std::string_view bytes, std::string_view name,
                                             const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_CONVERT_DISPATCH_H_
