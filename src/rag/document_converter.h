// ConvertFile: the server's side of document conversion. Parsing untrusted
// files (PDF, office documents, HTML, ...) happens in a separate process,
// `hearth-convert`, under a CPU-time limit, an address-space limit and a wall
// clock, so a hostile or pathological file costs one failed upload, never the
// server. The child's output (rag/document_wire.h) is itself treated as
// untrusted and bounded.
//
// Thread-safety: ConvertFile may be called from several threads at once;
// each call owns its child process.
//
// Example:
//   DocumentConverterOptions options;
//   ASSIGN_OR_RETURN(StructuredDocument document,
//                    ConvertFile(upload_path, "report.pdf", options));
#ifndef HEARTH_RAG_DOCUMENT_CONVERTER_H_
#define HEARTH_RAG_DOCUMENT_CONVERTER_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

struct DocumentConverterOptions {
  // The hearth-convert executable; empty means "hearth-convert" in the
  // directory of the running program (/proc/self/exe).
  std::filesystem::path converter_path = {};
  // Bounds the converters enforce themselves (passed to the child as flags).
  ConvertLimits limits = {};
  // CPU seconds the child may use (RLIMIT_CPU).
  int64_t cpu_seconds = 60;
  // Address space the child may map (RLIMIT_AS).
  uint64_t memory_bytes = 2ull << 30;
  // Wall-clock time before the child is killed.
  std::chrono::milliseconds wall_timeout = std::chrono::seconds(120);
  // Bytes of encoded document read from the child; more kills it.
  uint64_t max_output_bytes = 256ull << 20;
};

// Converts `file`, uploaded as `name_hint` (its extension picks among text
// formats), in a hearth-convert child. Errors, each naming the file:
//   NotFound            hearth-convert is missing, or `file` does not exist
//   InvalidArgument     the file is damaged, not what it claims, or of an
//                       unsupported format (the child's own message); also a
//                       converter crash on the file
//   PermissionDenied    the document is password-protected
//   ResourceExhausted   the CPU-time, memory or output limit was hit
//   DeadlineExceeded    the conversion took longer than wall_timeout
//   Internal            the child misbehaved (malformed output, odd exit)
StatusOr<StructuredDocument> ConvertFile(const std::filesystem::path& file, std::string_view name_hint,
                                         const DocumentConverterOptions& options);

// The hearth-convert command line ConvertFile runs (argv[0] included);
// exposed for tests and for running a conversion by hand.
std::vector<std::string> ConverterArgv(const std::filesystem::path& converter,
                                       const std::filesystem::path& file, std::string_view name_hint,
                                       const DocumentConverterOptions& options);

}  // namespace hearth

#endif  // HEARTH_RAG_DOCUMENT_CONVERTER_H_
