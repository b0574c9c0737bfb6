// Where the chunker may cut text: paragraph, sentence, line and word
// boundaries, and UTF-8 character boundaries as the last resort. Each
// function returns pieces as byte ranges of its input, in order, trimmed of
// the whitespace that separates them (lines keep their indentation); text
// between pieces is only whitespace. Internal to rag/chunker.cc.
//
// Thread-safety: pure functions.
#ifndef HEARTH_RAG_TEXT_SPLITTER_H_
#define HEARTH_RAG_TEXT_SPLITTER_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace hearth::internal {

struct TextRange {
  size_t begin = 0;
  size_t end = 0;
  friend bool operator==(const TextRange&, const TextRange&) = default;
};

// Paragraphs: text separated by a blank line (a line of only whitespace).
std::vector<TextRange> SplitParagraphs(std::string_view text, TextRange range);

// Sentences: a piece ends after '.', '!' or '?' (and closing quotes or
// brackets) followed by whitespace, or after '。', '！', '？' whatever
// follows. A '.' after a single letter ("J. Smith") or after a common
// abbreviation ("e.g.", "Dr.") ends no sentence.
std::vector<TextRange> SplitSentences(std::string_view text, TextRange range);

// Lines, without their '\n'; blank lines are skipped; indentation is kept.
std::vector<TextRange> SplitLines(std::string_view text, TextRange range);

// Runs of non-whitespace.
std::vector<TextRange> SplitWords(std::string_view text, TextRange range);

// Pieces of at most `max_bytes` (at least 4) that never split a UTF-8
// character; bytes that are not valid UTF-8 count as one character each.
std::vector<TextRange> SplitUtf8(std::string_view text, TextRange range, size_t max_bytes);

}  // namespace hearth::internal

#endif  // HEARTH_RAG_TEXT_SPLITTER_H_
