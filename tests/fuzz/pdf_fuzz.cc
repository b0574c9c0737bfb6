// Fuzzes the PDF converter (rag/convert/pdf_converter.h) with arbitrary
// bytes, OCR off. Invariants: ConvertPdf never crashes; it fails with
// InvalidArgument, PermissionDenied or ResourceExhausted, or returns a "pdf"
// document holding the converters' promises (fuzz_checks.h) whose blocks
// each name a page in 1..page_count, and which says in a warning when pages
// past limits.max_pages were skipped.
#include <cstdint>
#include <string_view>

#include "fuzz_checks.h"
#include "rag/convert/pdf_converter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hearth::StatusCode;
  using hearth::fuzz::Check;
  const hearth::ConvertLimits limits = hearth::fuzz::FuzzLimits();
  auto document =
      hearth::ConvertPdf(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!document.ok()) {
    const StatusCode code = document.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kPermissionDenied ||
          code == StatusCode::kResourceExhausted);
    return 0;
  }
  hearth::fuzz::CheckDocument(*document, limits, "pdf");
  for (const hearth::DocumentBlock& block : document->blocks) {
    Check(block.page >= 1 && block.page <= document->page_count);
    Check(block.page <= limits.max_pages);
  }
  if (document->page_count > limits.max_pages) Check(!document->warnings.empty());
  return 0;
}
