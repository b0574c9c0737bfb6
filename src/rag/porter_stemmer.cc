#include "rag/porter_stemmer.h"

#include <span>
#include <string_view>

namespace hearth {
namespace {

constexpr size_t kMinStemmedBytes = 3;
constexpr size_t kMaxStemmedBytes = 64;

struct Rule {
  std::string_view suffix;
  std::string_view replacement;
};

// Steps 2 and 3: a suffix is replaced when the stem before it has a measure
// above 0. A longer suffix comes before any shorter one it ends with, so the
// first rule that matches is the longest, as the algorithm requires. Step 2
// has Porter's own later changes, as FTS5 does: "bli" -> "ble" (not "abli"
// -> "able") and "logi" -> "log".
constexpr Rule kStep2[] = {
    {"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},
    {"izer", "ize"},    {"bli", "ble"},     {"alli", "al"},     {"entli", "ent"},
    {"eli", "e"},       {"ousli", "ous"},   {"ization", "ize"}, {"ation", "ate"},
    {"ator", "ate"},    {"alism", "al"},    {"iveness", "ive"}, {"fulness", "ful"},
    {"ousness", "ous"}, {"aliti", "al"},    {"iviti", "ive"},   {"biliti", "ble"},
    {"logi", "log"},
};
constexpr Rule kStep3[] = {
    {"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
    {"ical", "ic"},  {"ful", ""},   {"ness", ""},
};
// Step 4: removed when the stem's measure is above 1 ("ion" also needs the
// stem to end in s or t).
constexpr std::string_view kStep4[] = {"al",  "ance", "ence", "er",  "ic",  "able", "ible",
                                       "ant", "ement", "ment", "ent", "ion", "ou",   "ism",
                                       "ate", "iti",  "ous",  "ive", "ize"};

// The word being stemmed, with the algorithm's predicates over its prefixes.
class Word {
 public:
  explicit Word(std::string& text) : text_(text) {}

  size_t size() const { return text_.size(); }
  char back() const { return text_.back(); }

  bool EndsWith(std::string_view suffix) const {
    return text_.size() >= suffix.size() &&
           std::string_view(text_).substr(text_.size() - suffix.size()) == suffix;
  }

  // A consonant is a letter other than a, e, i, o, u, and other than a y
  // that follows a consonant. Digits and the bytes of non-ASCII letters
  // count as consonants.
  bool IsConsonant(size_t i) const {
    switch (text_[i]) {
      case 'a': case 'e': case 'i': case 'o': case 'u': return false;
      case 'y': return i == 0 || !IsConsonant(i - 1);
      default: return true;
    }
  }

  // m in [C](VC){m}[V] for the first `end` letters.
  int Measure(size_t end) const {
    size_t i = 0;
    while (i < end && IsConsonant(i)) ++i;
    int m = 0;
    while (i < end) {
      while (i < end && !IsConsonant(i)) ++i;
      if (i == end) break;
      while (i < end && IsConsonant(i)) ++i;
      ++m;
    }
    return m;
  }

  bool HasVowel(size_t end) const {
    for (size_t i = 0; i < end; ++i) {
      if (!IsConsonant(i)) return true;
    }
    return false;
  }

  // *d: the first `end` letters end with a double consonant.
  bool EndsDoubleConsonant(size_t end) const {
    return end >= 2 && text_[end - 1] == text_[end - 2] && IsConsonant(end - 1);
  }

  // *o: they end consonant-vowel-consonant, the last not w, x or y.
  bool EndsCvc(size_t end) const {
    if (end < 3 || !IsConsonant(end - 3) || IsConsonant(end - 2) || !IsConsonant(end - 1)) {
      return false;
    }
    const char last = text_[end - 1];
    return last != 'w' && last != 'x' && last != 'y';
  }

  void ReplaceSuffix(size_t suffix_bytes, std::string_view replacement) {
    text_.resize(text_.size() - suffix_bytes);
    text_ += replacement;
  }

 private:
  std::string& text_;
};

void Step1a(Word& word) {
  if (word.EndsWith("sses")) {
    word.ReplaceSuffix(2, "");
  } else if (word.EndsWith("ies")) {
    word.ReplaceSuffix(3, "i");
  } else if (!word.EndsWith("ss") && word.EndsWith("s")) {
    word.ReplaceSuffix(1, "");
  }
}

// After "ed" or "ing" was removed: restore an 'e' or undouble.
void Step1bTidy(Word& word) {
  if (word.EndsWith("at") || word.EndsWith("bl") || word.EndsWith("iz")) {
    word.ReplaceSuffix(0, "e");
  } else if (word.EndsDoubleConsonant(word.size()) && word.back() != 'l' &&
             word.back() != 's' && word.back() != 'z') {
    word.ReplaceSuffix(1, "");
  } else if (word.Measure(word.size()) == 1 && word.EndsCvc(word.size())) {
    word.ReplaceSuffix(0, "e");
  }
}

void Step1b(Word& word) {
  if (word.EndsWith("eed")) {
    if (word.Measure(word.size() - 3) > 0) word.ReplaceSuffix(1, "");
    return;
  }
  for (std::string_view suffix : {std::string_view("ed"), std::string_view("ing")}) {
    if (word.EndsWith(suffix) && word.HasVowel(word.size() - suffix.size())) {
      word.ReplaceSuffix(suffix.size(), "");
      Step1bTidy(word);
      return;
    }
  }
}

void Step1c(Word& word) {
  if (word.EndsWith("y") && word.HasVowel(word.size() - 1)) word.ReplaceSuffix(1, "i");
}

void ApplyRules(Word& word, std::span<const Rule> rules) {
  for (const Rule& rule : rules) {
    if (!word.EndsWith(rule.suffix)) continue;
    if (word.Measure(word.size() - rule.suffix.size()) > 0) {
      word.ReplaceSuffix(rule.suffix.size(), rule.replacement);
    }
    return;
  }
}

void Step4(Word& word) {
  for (std::string_view suffix : kStep4) {
    if (!word.EndsWith(suffix)) continue;
    const size_t stem = word.size() - suffix.size();
    if (word.Measure(stem) <= 1) return;
    if (suffix == "ion" && !word.EndsWith("sion") && !word.EndsWith("tion")) return;
    word.ReplaceSuffix(suffix.size(), "");
    return;
  }
}

void Step5(Word& word) {
  if (word.EndsWith("e")) {
    const int m = word.Measure(word.size() - 1);
    if (m > 1 || (m == 1 && !word.EndsCvc(word.size() - 1))) word.ReplaceSuffix(1, "");
  }
  if (word.EndsWith("ll") && word.Measure(word.size()) > 1) word.ReplaceSuffix(1, "");
}

bool IsStemmable(const std::string& word) {
  return word.size() >= kMinStemmedBytes && word.size() <= kMaxStemmedBytes;
}

}  // namespace

void PorterStem(std::string& text) {
  if (!IsStemmable(text)) return;
  Word word(text);
  Step1a(word);
  Step1b(word);
  Step1c(word);
  ApplyRules(word, kStep2);
  ApplyRules(word, kStep3);
  Step4(word);
  Step5(word);
}

}  // namespace hearth
