// Fuzzes the chunker's boundary finders (rag/text_splitter.h) with arbitrary
// bytes. Invariants, for each splitter: pieces lie inside the range, in
// order, without overlap; none is empty; the text between pieces (and before
// the first and after the last) is only whitespace; paragraphs, sentences
// and words are trimmed; SplitWords' pieces hold no whitespace; SplitUtf8's
// pieces are at most max_bytes long, cover the range exactly and never cut a
// valid UTF-8 character.
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "fuzz_checks.h"
#include "rag/text_splitter.h"

namespace {

using hearth::fuzz::Check;
using hearth::internal::TextRange;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool AllSpace(std::string_view text) {
  for (char c : text) {
    if (!IsSpace(c)) return false;
  }
  return true;
}

void CheckPieces(std::string_view text, TextRange range, const std::vector<TextRange>& pieces,
                 bool trimmed) {
  size_t previous_end = range.begin;
  for (const TextRange& piece : pieces) {
    Check(piece.begin >= previous_end && piece.begin < piece.end && piece.end <= range.end);
    Check(AllSpace(text.substr(previous_end, piece.begin - previous_end)));
    if (trimmed) Check(!IsSpace(text[piece.begin]) && !IsSpace(text[piece.end - 1]));
    previous_end = piece.end;
  }
  Check(AllSpace(text.substr(previous_end, range.end - previous_end)));
}

// True if a UTF-8 character that is valid in `text` starts before `at` and ends after it.
bool CutsCharacter(std::string_view text, size_t at) {
  for (size_t back = 1; back <= 3 && back <= at; ++back) {
    const std::string_view tail = text.substr(at - back);
    const size_t length = hearth::Utf8SequenceLength(tail);
    if (length > back) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 3), size - 3);
  // A sub-range chosen by the first two bytes, so ranges not at 0 are tested.
  const size_t begin = text.empty() ? 0 : data[0] % (text.size() + 1);
  const size_t end = begin + (text.size() - begin) * data[1] / 255;
  const TextRange range{begin, end};
  const size_t max_bytes = 4 + data[2] % 32;
  namespace in = hearth::internal;

  CheckPieces(text, range, in::SplitParagraphs(text, range), true);
  CheckPieces(text, range, in::SplitSentences(text, range), true);
  CheckPieces(text, range, in::SplitLines(text, range), false);
  const std::vector<TextRange> words = in::SplitWords(text, range);
  CheckPieces(text, range, words, true);
  for (const TextRange& word : words) {
    for (size_t i = word.begin; i < word.end; ++i) Check(!IsSpace(text[i]));
  }
  const std::vector<TextRange> pieces = in::SplitUtf8(text, range, max_bytes);
  size_t covered = range.begin;
  for (const TextRange& piece : pieces) {
    Check(piece.begin == covered && piece.end > piece.begin);
    Check(piece.end - piece.begin <= max_bytes);
    if (piece.end < range.end) Check(!CutsCharacter(text.substr(0, range.end), piece.end));
    covered = piece.end;
  }
  Check(covered == range.end);
  return 0;
}
