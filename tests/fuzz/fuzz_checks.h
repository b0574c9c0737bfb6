// Invariant checks shared by the fuzz targets. A failed check aborts, which
// libFuzzer and fuzz_driver.cc both report as a finding with its input.
//
// CheckDocument holds what every converter promises about the
// StructuredDocument it returns (rag/structured_document.h and
// rag/convert/convert_limits.h): within the block and output-byte limits,
// every block's text valid UTF-8, not only whitespace, with '\n' line ends and no NUL,
// headings at level 1..6, pages within the document's page count.
//
// Thread-safety: pure functions.
#ifndef HEARTH_TESTS_FUZZ_FUZZ_CHECKS_H_
#define HEARTH_TESTS_FUZZ_FUZZ_CHECKS_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "base/utf8.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth::fuzz {

// Prints where the broken invariant is checked (optimized builds fold the
// aborts, so a stack trace alone may name the wrong line), then aborts.
// (__builtin_FILE/LINE: clang 14 with libstdc++ has no std::source_location.)
inline void Check(bool condition, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant broken at %s:%d\n", file, line);
  std::abort();
}

// Text as the converters and the chunker hand it on: UTF-8, '\n' line ends, no NUL.
inline void CheckCleanText(std::string_view text) {
  Check(IsValidUtf8(text));
  Check(text.find('\0') == std::string_view::npos);
  Check(text.find('\r') == std::string_view::npos);
}

// True if `text` has a character other than ASCII whitespace.
inline bool HasVisibleText(std::string_view text) {
  return text.find_first_not_of(" \t\n\v\f\r") != std::string_view::npos;
}

inline void CheckDocument(const StructuredDocument& document, const ConvertLimits& limits,
                          std::string_view format) {
  Check(document.format == format);
  Check(document.blocks.size() <= limits.max_blocks);
  Check(document.page_count >= 0);
  uint64_t output_bytes = 0;
  for (const DocumentBlock& block : document.blocks) {
    Check(HasVisibleText(block.text));
    CheckCleanText(block.text);
    output_bytes += block.text.size();
    Check(block.kind != BlockKind::kHeading || (block.level >= 1 && block.level <= 6));
    Check(block.page >= 0);
    Check(document.page_count == 0 || block.page <= document.page_count);
  }
  Check(output_bytes <= limits.max_output_bytes);
  Check(IsValidUtf8(document.title));
}

// Limits small enough that a fuzz input reaches them.
inline ConvertLimits FuzzLimits() {
  ConvertLimits limits;
  limits.max_output_bytes = 1 << 20;
  limits.max_blocks = 10'000;
  limits.max_pages = 50;
  limits.max_unpacked_bytes = 8 << 20;
  limits.max_entry_bytes = 4 << 20;
  limits.max_cells = 20'000;
  limits.ocr = false;  // tesseract is too slow for fuzzing and not a parser of the input
  return limits;
}

}  // namespace hearth::fuzz

#endif  // HEARTH_TESTS_FUZZ_FUZZ_CHECKS_H_
