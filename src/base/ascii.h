// ASCII-only case helpers for parsing keywords and units ("GiB", "true").
//
// They deliberately ignore the locale: hearth's keywords are ASCII, and
// locale-dependent case mapping (e.g. Turkish dotless i) must not change what
// a flag means.
//
// Thread-safety: pure functions; safe to call from any thread.

#ifndef HEARTH_BASE_ASCII_H_
#define HEARTH_BASE_ASCII_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace hearth {

// `c` with A-Z mapped to a-z; every other byte unchanged.
inline char AsciiToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// `text` with A-Z mapped to a-z.
inline std::string AsciiToLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = AsciiToLower(c);
  return lower;
}

// True if `a` and `b` are equal after mapping A-Z to a-z.
inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiToLower(a[i]) != AsciiToLower(b[i])) return false;
  }
  return true;
}

}  // namespace hearth

#endif  // HEARTH_BASE_ASCII_H_
