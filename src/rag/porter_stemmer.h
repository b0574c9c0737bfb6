// PorterStem: the suffix-stripping algorithm of M. F. Porter ("An algorithm
// for suffix stripping", Program 14(3), 1980), as SQLite's FTS5 'porter'
// tokenizer applies it, so that the lexical index (rag/lexical_index.h)
// conflates the same English word forms as the full-text table did:
// "connected", "connecting", "connection" all become "connect".
//
// The input is one folded word from the lexical tokenizer. Words of 3 to 64
// bytes are stemmed, the bytes of digits and non-ASCII letters counting as
// consonants ("fcγrs" -> "fcγr"); shorter and longer words are returned
// unchanged, as FTS5 does. Step 2 has Porter's later rules "bli" -> "ble" and
// "logi" -> "log" (also FTS5's). On SciFact's 36,155 distinct words the stems
// differ from FTS5's for one word ("eed").
//
// Thread-safety: a pure function.
//
// Example:
//   std::string word = "generalizations";
//   PorterStem(word);  // word == "gener"
#ifndef HEARTH_RAG_PORTER_STEMMER_H_
#define HEARTH_RAG_PORTER_STEMMER_H_

#include <string>

namespace hearth {

// Replaces `word` by its stem (in place; the stem is never longer).
void PorterStem(std::string& word);

}  // namespace hearth

#endif  // HEARTH_RAG_PORTER_STEMMER_H_
