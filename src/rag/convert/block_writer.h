// BlockWriter: how the office, EPUB and HTML converters append blocks: a thin
// layer over DocumentBuilder (which enforces the output limits) that tracks
// the current page and normalizes text.
//
// Text is normalized on the way in: "\r\n" and "\r" become "\n"; headings,
// paragraphs and tables are trimmed of surrounding whitespace; code is kept
// verbatim. A block whose text is empty after that is dropped. Headings get
// their level clamped to 1..6.
//
// Thread model: externally synchronized; borrows the builder and the limits,
// which must outlive the writer.
#ifndef HEARTH_RAG_CONVERT_BLOCK_WRITER_H_
#define HEARTH_RAG_CONVERT_BLOCK_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/document_builder.h"
#include "rag/structured_document.h"

namespace hearth {

class BlockWriter {
 public:
  BlockWriter(DocumentBuilder& builder, const ConvertLimits& limits)
      : builder_(builder), limits_(limits) {}

  // The page given to blocks added from now on (0: unpaginated).
  void set_page(int32_t page) { page_ = page; }

  // Appends a block. Errors: those of DocumentBuilder::Add (ResourceExhausted
  // past limits.max_blocks blocks or limits.max_output_bytes bytes).
  Status Add(BlockKind kind, std::string_view text, int32_t level = 0);

  Status AddHeading(std::string_view text, int32_t level) {
    return Add(BlockKind::kHeading, text, level);
  }
  Status AddParagraph(std::string_view text) { return Add(BlockKind::kParagraph, text); }

  StructuredDocument& document() { return builder_.document(); }
  const ConvertLimits& limits() const { return limits_; }

 private:
  DocumentBuilder& builder_;
  const ConvertLimits& limits_;
  int32_t page_ = 0;
};

// Collapses every run of whitespace (spaces, tabs, newlines) into one space
// and trims the ends, as HTML renders inline text.
std::string CollapseWhitespace(std::string_view text);

// Joins table cells into the text of a kTable block: cells separated by
// " | ", one row per line. Cell text is collapsed to one line.
class TableText {
 public:
  void AddCell(std::string_view text);
  void EndRow();
  // The rows so far; empty when every cell was empty.
  std::string Take();
  size_t rows() const { return rows_; }

 private:
  std::string text_;
  std::string row_;
  bool row_has_text_ = false;
  bool row_started_ = false;
  size_t rows_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_BLOCK_WRITER_H_
