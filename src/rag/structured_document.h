// StructuredDocument: what a converter makes of one uploaded file, and what
// the chunker reads. The converter child (`hearth-convert`) produces it; it
// crosses the process boundary in the wire format of rag/document_wire.h.
//
// A document is a flat sequence of blocks in reading order. Each block knows
// its page (1-based; 0 for formats without pages) and its kind; headings
// carry their level, from which the chunker derives each block's heading
// path. Text is UTF-8, normalized to '\n' line ends, never empty.
#ifndef HEARTH_RAG_STRUCTURED_DOCUMENT_H_
#define HEARTH_RAG_STRUCTURED_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

enum class BlockKind : uint8_t {
  kHeading,    // a section title; `level` 1 (top) .. 6
  kParagraph,  // running text, a list item, a quote, a caption
  kTable,      // a table as text: one row per line, cells separated by " | "
  kCode,       // preformatted text (source files, code blocks); kept verbatim
};

struct DocumentBlock {
  BlockKind kind = BlockKind::kParagraph;
  int32_t level = 0;  // headings only: 1..6
  int32_t page = 0;   // 1-based page; 0 when the format has no pages
  std::string text;
};

struct StructuredDocument {
  // The detected format, lower case: "pdf", "docx", "odt", "pptx", "xlsx",
  // "epub", "html", "markdown", "text", "csv", "tsv", "json", "code".
  std::string format;
  // The document's own title when it has one (metadata, <title>, the first
  // heading); may be empty. The caller falls back to the file name.
  std::string title;
  // Pages in the source (PDF pages, PPTX slides); 0 when unpaginated.
  int32_t page_count = 0;
  std::vector<DocumentBlock> blocks;
  // Pages that had no text layer: OCRed (when tesseract is available) or
  // left empty (listed in `warnings`).
  std::vector<int32_t> ocr_pages;
  // Human-readable notes about what was skipped or degraded ("page 4 has no
  // text layer and OCR is not installed", "sheet 'Data' truncated at 100000
  // cells"). Never errors: a conversion that fails returns a Status.
  std::vector<std::string> warnings;
};

// "heading", "paragraph", "table", "code".
std::string_view BlockKindName(BlockKind kind);

}  // namespace hearth

#endif  // HEARTH_RAG_STRUCTURED_DOCUMENT_H_
