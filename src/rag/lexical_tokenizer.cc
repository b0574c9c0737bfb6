#include "rag/lexical_tokenizer.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "base/utf8.h"
#include "rag/porter_stemmer.h"

namespace hearth {
namespace {

// What a code point becomes inside a word.
constexpr uint32_t kSeparator = 0xFFFFFFFF;  // ends the word
constexpr uint32_t kDropped = 0;             // belongs to the word, adds nothing

// U+00C0..U+00FF without their diacritics ('*': the letter itself, lower
// case; '/': a separator, × and ÷).
constexpr std::string_view kLatin1 =
    "aaaaaa*ceeeeiiii*nooooo/*uuuuy**"
    "aaaaaa*ceeeeiiii*nooooo/*uuuuy*y";

// U+0100..U+017F likewise ('*': a letter without a decomposition, lower
// cased below).
constexpr std::string_view kLatinExtendedA =
    "aaaaaacccccccc" "dd**" "eeeeeeeeee" "gggggggg" "hh**" "iiiiiiiii" "*" "**" "jj" "kk" "*"
    "llllll" "****" "nnnnnn" "*" "**" "oooooo" "**" "rrrrrr" "ssssssss" "tttt" "**"
    "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "*";
static_assert(kLatinExtendedA.size() == 0x80);

uint32_t FoldLatinExtendedA(uint32_t code_point) {
  const char base = kLatinExtendedA[code_point - 0x100];
  if (base != '*') return static_cast<uint32_t>(base);
  switch (code_point) {  // the upper-case ones among the undecomposable
    case 0x110: case 0x126: case 0x132: case 0x13F: case 0x141: case 0x14A:
    case 0x152: case 0x166:
      return code_point + 1;
    default:
      return code_point;
  }
}

uint32_t FoldLatin1(uint32_t code_point) {
  if (code_point < 0xC0) {
    if (code_point == 0xB5) return 0x3BC;  // micro sign -> Greek mu
    // Letters and numbers among the Latin-1 symbols: ª ² ³ ¹ º ¼ ½ ¾.
    constexpr std::array<uint32_t, 8> kWordy = {0xAA, 0xB2, 0xB3, 0xB9,
                                                0xBA, 0xBC, 0xBD, 0xBE};
    return std::find(kWordy.begin(), kWordy.end(), code_point) != kWordy.end() ? code_point
                                                                              : kSeparator;
  }
  const char base = kLatin1[code_point - 0xC0];
  if (base == '/') return kSeparator;
  if (base != '*') return static_cast<uint32_t>(base);
  // Æ Ð Ø Þ and their lower cases, ß.
  return code_point >= 0xC0 && code_point <= 0xDE ? code_point + 0x20 : code_point;
}

uint32_t FoldGreek(uint32_t code_point) {
  switch (code_point) {
    case 0x37E: case 0x387: case 0x3F5: case 0x3F6:  // punctuation, math symbols
      return kSeparator;
    case 0x386: case 0x3AC: return 0x3B1;       // alpha with tonos
    case 0x388: case 0x3AD: return 0x3B5;
    case 0x389: case 0x3AE: return 0x3B7;
    case 0x38A: case 0x3AF: case 0x390: case 0x3AA: case 0x3CA: return 0x3B9;
    case 0x38C: case 0x3CC: return 0x3BF;
    case 0x38E: case 0x3CD: case 0x3B0: case 0x3AB: case 0x3CB: return 0x3C5;
    case 0x38F: case 0x3CE: return 0x3C9;
    default: break;
  }
  if (code_point >= 0x391 && code_point <= 0x3A9) return code_point + 0x20;
  return code_point;
}

uint32_t FoldCyrillic(uint32_t code_point) {
  if (code_point >= 0x400 && code_point <= 0x40F) code_point += 0x50;
  if (code_point >= 0x410 && code_point <= 0x42F) code_point += 0x20;
  switch (code_point) {
    case 0x450: case 0x451: return 0x435;  // ѐ ё -> е
    case 0x453: return 0x433;              // ѓ -> г
    case 0x457: return 0x456;              // ї -> і
    case 0x45C: return 0x43A;              // ќ -> к
    case 0x439: case 0x45D: return 0x438;  // й ѝ -> и
    case 0x45E: return 0x443;              // ў -> у
    default: return code_point;
  }
}

struct Range {
  uint32_t first, last;
};

// Punctuation and symbol blocks beyond Latin-1 (sorted).
constexpr Range kSeparatorRanges[] = {
    {0x55A, 0x55F},   {0x589, 0x58A},   {0x5BE, 0x5BE},   {0x5C0, 0x5C0},   {0x5C3, 0x5C3},
    {0x5F3, 0x5F4},   {0x60C, 0x60D},   {0x61B, 0x61F},   {0x66A, 0x66D},   {0x6D4, 0x6D4},
    {0x964, 0x965},   {0xE4F, 0xE4F},   {0xE5A, 0xE5B},   {0x2000, 0x206F}, {0x207A, 0x207E},
    {0x208A, 0x208E}, {0x20A0, 0x20CF}, {0x2100, 0x2101}, {0x2103, 0x2106}, {0x2108, 0x2109},
    {0x2114, 0x2114}, {0x2116, 0x2118}, {0x211E, 0x2123}, {0x2125, 0x2125}, {0x2127, 0x2127},
    {0x2129, 0x2129}, {0x212E, 0x212E}, {0x213A, 0x213B}, {0x2140, 0x2144}, {0x214A, 0x214D},
    {0x214F, 0x214F}, {0x2190, 0x245F}, {0x2500, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3000, 0x3004},
    {0x3008, 0x3020}, {0x3030, 0x3030}, {0x303D, 0x303D}, {0x30FB, 0x30FB}, {0xFE00, 0xFE19},
    {0xFE30, 0xFE6F}, {0xFEFF, 0xFEFF}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65}, {0xFFF0, 0xFFFF}, {0x1F000, 0x1FAFF}, {0xE0000, 0xE007F},
};

bool IsSeparatorElsewhere(uint32_t code_point) {
  const Range* it = std::upper_bound(
      std::begin(kSeparatorRanges), std::end(kSeparatorRanges), code_point,
      [](uint32_t value, const Range& range) { return value < range.first; });
  return it != std::begin(kSeparatorRanges) && code_point <= (it - 1)->last;
}

uint32_t Fold(uint32_t code_point) {
  if (code_point < 0x80) {
    if (code_point >= 'A' && code_point <= 'Z') return code_point + ('a' - 'A');
    const bool wordy = (code_point >= 'a' && code_point <= 'z') ||
                       (code_point >= '0' && code_point <= '9');
    return wordy ? code_point : kSeparator;
  }
  if (code_point < 0x100) return FoldLatin1(code_point);
  if (code_point < 0x180) return FoldLatinExtendedA(code_point);
  if (code_point >= 0x300 && code_point <= 0x36F) return kDropped;
  if (code_point >= 0x370 && code_point <= 0x3FF) return FoldGreek(code_point);
  if (code_point >= 0x400 && code_point <= 0x45F) return FoldCyrillic(code_point);
  if (code_point == 0x212A) return 'k';  // Kelvin sign
  if (code_point == 0x212B) return 'a';  // Angstrom sign
  return IsSeparatorElsewhere(code_point) ? kSeparator : code_point;
}

// Decodes the code point at the start of `text` (non-empty); an ill-formed
// byte decodes as a separator of length 1.
uint32_t Decode(std::string_view text, size_t* length) {
  const auto byte = static_cast<unsigned char>(text[0]);
  if (byte < 0x80) {
    *length = 1;
    return byte;
  }
  *length = Utf8SequenceLength(text);
  if (*length == 0) {
    *length = 1;
    return 0xFFFFFFFF;
  }
  uint32_t code_point = byte & (0x7F >> *length);
  for (size_t i = 1; i < *length; ++i) {
    code_point = (code_point << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  }
  return code_point;
}

}  // namespace

bool TermScanner::NextWord(std::string_view* word) {
  word_.clear();
  bool cut = false;  // the word reached kMaxTermBytes: the rest is skipped
  while (position_ < text_.size()) {
    size_t length = 0;
    const uint32_t code_point = Decode(text_.substr(position_), &length);
    position_ += length;
    const uint32_t folded = code_point == 0xFFFFFFFF ? kSeparator : Fold(code_point);
    if (folded == kSeparator) {
      if (word_.empty()) continue;
      break;
    }
    if (folded == kDropped || cut) continue;
    const size_t before = word_.size();
    AppendUtf8(word_, folded);
    if (word_.size() > kMaxTermBytes) {
      word_.resize(before);
      cut = true;
    }
  }
  *word = word_;
  return !word_.empty();
}

bool TermScanner::Next(std::string_view* term) {
  std::string_view word;
  if (!NextWord(&word)) return false;
  PorterStem(word_);
  *term = word_;
  return true;
}

bool IsLexicalStopword(std::string_view word) {
  static constexpr std::array<std::string_view, 33> kStopwords = {
      "a",    "an",   "and",  "are",   "as",   "at",    "be",   "but",  "by",
      "for",  "if",   "in",   "into",  "is",   "it",    "no",   "not",  "of",
      "on",   "or",   "such", "that",  "the",  "their", "then", "there", "these",
      "they", "this", "to",   "was",   "will", "with"};
  return std::find(kStopwords.begin(), kStopwords.end(), word) != kStopwords.end();
}

}  // namespace hearth
