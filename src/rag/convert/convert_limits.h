// ConvertLimits: the bounds every converter enforces on an untrusted file, on
// top of the process limits (CPU time, address space, wall clock) the parent
// puts on the hearth-convert child. A converter that hits one stops and
// returns ResourceExhausted naming the limit, or, where partial output is
// still useful (a huge spreadsheet), truncates and says so in a warning.
#ifndef HEARTH_RAG_CONVERT_CONVERT_LIMITS_H_
#define HEARTH_RAG_CONVERT_CONVERT_LIMITS_H_

#include <cstdint>

namespace hearth {

struct ConvertLimits {
  // Bytes of text the document may produce (all blocks together).
  uint64_t max_output_bytes = 64ull << 20;
  // Blocks the document may produce.
  uint64_t max_blocks = 1'000'000;
  // Pages (PDF pages, slides) converted; later pages are skipped with a warning.
  int32_t max_pages = 5'000;
  // Zip containers (DOCX, ODT, PPTX, XLSX, EPUB): entries in the archive, and
  // bytes actually inflated across all entries read (counted while reading,
  // never trusted from the headers), and per entry.
  uint64_t max_zip_entries = 10'000;
  uint64_t max_unpacked_bytes = 512ull << 20;
  uint64_t max_entry_bytes = 256ull << 20;
  // XML and HTML nesting depth.
  int32_t max_xml_depth = 256;
  // Spreadsheet cells read (XLSX, CSV/TSV rows x columns).
  uint64_t max_cells = 2'000'000;
  // OCR pages without a text layer when tesseract is available.
  bool ocr = true;
  // Dots per inch pages are rendered at for OCR.
  int32_t ocr_dpi = 200;
};

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_CONVERT_LIMITS_H_
