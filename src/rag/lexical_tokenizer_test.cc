#include "rag/lexical_tokenizer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rag/porter_stemmer.h"

namespace hearth {
namespace {

std::string Stem(std::string word) {
  PorterStem(word);
  return word;
}

std::vector<std::string> Words(std::string_view text) {
  TermScanner scanner(text);
  std::vector<std::string> words;
  std::string_view word;
  while (scanner.NextWord(&word)) words.emplace_back(word);
  return words;
}

std::vector<std::string> Terms(std::string_view text) {
  TermScanner scanner(text);
  std::vector<std::string> terms;
  std::string_view term;
  while (scanner.Next(&term)) terms.emplace_back(term);
  return terms;
}

using Strings = std::vector<std::string>;

// The examples of Porter's paper, step by step.
TEST(PorterStemmerTest, StemsThePapersExamples) {
  const std::pair<const char*, const char*> cases[] = {
      // 1a
      {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"caress", "caress"},
      {"cats", "cat"},
      // 1b
      {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"}, {"bled", "bled"},
      {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"}, {"troubled", "troubl"},
      {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"}, {"falling", "fall"},
      {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"}, {"filing", "file"},
      // 1c
      {"happy", "happi"}, {"sky", "sky"},
      // 2
      {"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"},
      {"valenci", "valenc"}, {"hesitanci", "hesit"}, {"digitizer", "digit"},
      {"conformabli", "conform"}, {"radicalli", "radic"}, {"differentli", "differ"},
      {"vileli", "vile"}, {"analogousli", "analog"}, {"vietnamization", "vietnam"},
      {"predication", "predic"}, {"operator", "oper"}, {"feudalism", "feudal"},
      {"decisiveness", "decis"}, {"hopefulness", "hope"}, {"callousness", "callous"},
      {"formaliti", "formal"}, {"sensitiviti", "sensit"}, {"sensibiliti", "sensibl"},
      // 3
      {"triplicate", "triplic"}, {"formative", "form"}, {"formalize", "formal"},
      {"electriciti", "electr"}, {"electrical", "electr"}, {"hopeful", "hope"},
      {"goodness", "good"},
      // 4
      {"revival", "reviv"}, {"allowance", "allow"}, {"inference", "infer"},
      {"airliner", "airlin"}, {"gyroscopic", "gyroscop"}, {"adjustable", "adjust"},
      {"defensible", "defens"}, {"irritant", "irrit"}, {"replacement", "replac"},
      {"adjustment", "adjust"}, {"dependent", "depend"}, {"adoption", "adopt"},
      {"homologou", "homolog"}, {"communism", "commun"}, {"activate", "activ"},
      {"angulariti", "angular"}, {"homologous", "homolog"}, {"effective", "effect"},
      {"bowdlerize", "bowdler"},
      // 5
      {"probate", "probat"}, {"rate", "rate"}, {"cease", "ceas"}, {"controll", "control"},
      {"roll", "roll"},
      // whole words
      {"generalizations", "gener"}, {"oscillators", "oscil"}, {"connected", "connect"},
      {"connecting", "connect"}, {"connection", "connect"}};
  for (const auto& [word, stem] : cases) EXPECT_EQ(Stem(word), stem) << word;
}

// Where FTS5's Porter differs from the 1980 paper, hearth follows FTS5.
TEST(PorterStemmerTest, FollowsFts5sLaterRulesAndBounds) {
  EXPECT_EQ(Stem("analogies"), "analog");       // logi -> log
  EXPECT_EQ(Stem("immunology"), "immunolog");
  EXPECT_EQ(Stem("incredibly"), "incred");      // bli -> ble
  EXPECT_EQ(Stem("possibly"), "possibl");
  EXPECT_EQ(Stem("fcγrs"), "fcγr");             // non-ASCII bytes are consonants
  EXPECT_EQ(Stem("1990s"), "1990");
  EXPECT_EQ(Stem("is"), "is");                  // under 3 bytes: unchanged
  EXPECT_EQ(Stem("as"), "as");
  const std::string long_word(65, 's');
  EXPECT_EQ(Stem(long_word), long_word);        // over 64 bytes: unchanged
  EXPECT_EQ(Stem(""), "");
}

TEST(TermScannerTest, SplitsOnEverythingButLettersAndDigits) {
  EXPECT_EQ(Words("Tax-2024, (net_income)! a.b/c"),
            (Strings{"tax", "2024", "net", "income", "a", "b", "c"}));
  EXPECT_EQ(Words("“Quoted” — dash… bullet • arrow → sum ∑ emoji 😀 done"),
            (Strings{"quoted", "dash", "bullet", "arrow", "sum", "emoji", "done"}));
  EXPECT_EQ(Words("ca²⁺ and cd4⁺ ADAMS™ 15µm"),
            (Strings{"ca²", "and", "cd4", "adams", "15μm"}));
  EXPECT_TRUE(Words("").empty());
  EXPECT_TRUE(Words(" \t\n!?.,;:()[]{}<>\"'“”«»—…").empty());
}

TEST(TermScannerTest, FoldsCaseAndRemovesDiacritics) {
  EXPECT_EQ(Words("Élan Ångström NAÏVE Façade"),
            (Strings{"elan", "angstrom", "naive", "facade"}));
  EXPECT_EQ(Words("Straße ÆSIR Øre Łódź Đurđevac Œuvre Żółć Ślęża"),
            (Strings{"straße", "æsir", "øre", "łodz", "đurđevac", "œuvre", "zołc", "sleza"}));
  EXPECT_EQ(Words("ΆΘΗΝΑ Ωμέγα Ёлка ЙОД"), (Strings{"αθηνα", "ωμεγα", "елка", "иод"}));
  // A combining accent is dropped from the word it follows.
  EXPECT_EQ(Words("e\xCC\x81lan"), (Strings{"elan"}));
  // Letters of other scripts are kept as they are.
  EXPECT_EQ(Words("東京 タワー"), (Strings{"東京", "タワー"}));
}

TEST(TermScannerTest, IllFormedBytesSeparateWords) {
  EXPECT_EQ(Words("abc\xFF" "def\xC3"), (Strings{"abc", "def"}));
  EXPECT_EQ(Words(std::string("nul\0byte", 8)), (Strings{"nul", "byte"}));
}

TEST(TermScannerTest, CutsVeryLongWordsAtTheLimit) {
  const std::string long_word(1000, 'x');
  const Strings words = Words(long_word + " next");
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0], std::string(kMaxTermBytes, 'x'));
  EXPECT_EQ(words[1], "next");
  // Two-byte letters are cut at a character boundary.
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "ж";
  const Strings cut = Words(accented);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0].size(), kMaxTermBytes);
}

TEST(TermScannerTest, TermsAreStemmedWords) {
  EXPECT_EQ(Terms("Connected CELLS were connecting"),
            (Strings{"connect", "cell", "were", "connect"}));
}

TEST(LexicalStopwordTest, KnowsLucenesEnglishStopwords) {
  for (const char* word : {"the", "of", "and", "a", "is", "with", "their"}) {
    EXPECT_TRUE(IsLexicalStopword(word)) << word;
  }
  for (const char* word : {"cell", "thee", "", "The"}) EXPECT_FALSE(IsLexicalStopword(word)) << word;
}

}  // namespace
}  // namespace hearth
