// DocumentBuilder: how converters append blocks to a StructuredDocument while
// enforcing ConvertLimits' output bounds (total text bytes, block count).
// Blocks whose text is empty or only whitespace are dropped, as
// StructuredDocument promises non-empty text; text that is not valid UTF-8
// gets U+FFFD for the stray bytes, CR line ends become '\n', NULs are dropped.
//
// Thread-safety: externally synchronized.
//
// Example:
//   DocumentBuilder builder("markdown", limits);
//   RETURN_IF_ERROR(builder.Add(BlockKind::kHeading, 1, 0, "Intro"));
//   StructuredDocument document = std::move(builder).Finish();
#ifndef HEARTH_RAG_CONVERT_DOCUMENT_BUILDER_H_
#define HEARTH_RAG_CONVERT_DOCUMENT_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

class DocumentBuilder {
 public:
  DocumentBuilder(std::string format, const ConvertLimits& limits);

  // Appends a block. Errors: ResourceExhausted when the document would exceed
  // limits.max_output_bytes or limits.max_blocks (nothing is appended).
  Status Add(BlockKind kind, int32_t level, int32_t page, std::string text);

  // Shorthand for a paragraph / table / code block on `page`.
  Status AddParagraph(std::string text, int32_t page = 0) {
    return Add(BlockKind::kParagraph, 0, page, std::move(text));
  }

  // Adds paragraphs split at blank lines (lines holding only whitespace).
  Status AddParagraphs(std::string_view text, int32_t page = 0);

  StructuredDocument& document() { return document_; }

  StructuredDocument Finish() && { return std::move(document_); }

 private:
  StructuredDocument document_;
  const ConvertLimits& limits_;
  uint64_t output_bytes_ = 0;
};

// True if `text` holds only spaces, tabs, newlines and other ASCII whitespace.
bool IsBlank(std::string_view text);

// `text` without leading and trailing ASCII whitespace.
std::string_view TrimWhitespace(std::string_view text);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_DOCUMENT_BUILDER_H_
