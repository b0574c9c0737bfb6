// TermScanner: splits text into the terms of the lexical index
// (rag/lexical_index.h), the way the full-text table's tokenizer
// ('porter unicode61 remove_diacritics 2', store/migrations.cc) does:
//
//   1. Letters and digits make words; everything else separates them
//      (ASCII punctuation and spaces, the Latin-1 symbols, and the Unicode
//      blocks of punctuation, symbols, arrows, shapes and emoji).
//   2. Words are folded: upper case to lower case and diacritics removed
//      ("Élan" -> "elan", "Ångström" -> "angstrom"), exactly for ASCII,
//      Latin-1, Latin Extended-A, Greek and Cyrillic; letters of other
//      scripts are kept as they are. Combining marks (U+0300..U+036F) are
//      dropped from the word they follow.
//   3. Terms are Porter stems of the words (rag/porter_stemmer.h).
//
// A word longer than kMaxTermBytes is cut to its first kMaxTermBytes bytes
// (at a character boundary). Bytes that are not UTF-8 separate words.
//
// Thread-safety: a TermScanner is used by one thread; IsLexicalStopword is
// pure.
//
// Example:
//   TermScanner scanner("Connected cells, Élan!");
//   std::string_view term;
//   while (scanner.Next(&term)) ...;  // "connect", "cell", "elan"
#ifndef HEARTH_RAG_LEXICAL_TOKENIZER_H_
#define HEARTH_RAG_LEXICAL_TOKENIZER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace hearth {

inline constexpr size_t kMaxTermBytes = 128;

class TermScanner {
 public:
  // `text` is borrowed and must outlive the scanner.
  explicit TermScanner(std::string_view text) : text_(text) {}

  // The next folded word, not stemmed; false at the end of the text. The
  // view stays valid until the next call.
  bool NextWord(std::string_view* word);

  // The next term (the stem of the next word); false at the end.
  bool Next(std::string_view* term);

 private:
  std::string_view text_;
  size_t position_ = 0;
  std::string word_;
};

// Whether the folded, unstemmed `word` is one of the English stopwords a
// query leaves out ("the", "of", "and", ...; Lucene's list of 33).
bool IsLexicalStopword(std::string_view word);

}  // namespace hearth

#endif  // HEARTH_RAG_LEXICAL_TOKENIZER_H_
