// Utf8Assembler: turns the bytes of generated tokens into text that is valid
// UTF-8 piece by piece. A token may end in the middle of a multi-byte
// character (byte-fallback tokens carry one byte each); those bytes are held
// back until the character is complete.
//
// Bytes that can never form a character (a stray continuation byte, an
// overlong form, a sequence cut short by the next token) are replaced by
// U+FFFD, so every returned string passes IsValidUtf8 (base/utf8.h).
//
// Thread-safety: externally synchronized (owned by one generation slot).
//
// Example:
//   Utf8Assembler assembler;
//   assembler.Append("\xC3");      // ""   (held back)
//   assembler.Append("\xA9 ok");   // "é ok"
//   assembler.Flush();             // ""
#ifndef HEARTH_MODELS_UTF8_ASSEMBLER_H_
#define HEARTH_MODELS_UTF8_ASSEMBLER_H_

#include <string>
#include <string_view>

namespace hearth {

class Utf8Assembler {
 public:
  // Adds `bytes` and returns the text that is now complete: everything held
  // back so far plus `bytes`, minus an unfinished character at the end.
  std::string Append(std::string_view bytes);

  // Returns what is held back (an unfinished character, as U+FFFD) and
  // empties the buffer. Call at the end of generation.
  std::string Flush();

  // Number of bytes held back.
  size_t held_bytes() const { return held_.size(); }

 private:
  std::string held_;
};

// Copies `bytes`, replacing each byte that does not start a well-formed
// UTF-8 sequence by U+FFFD.
std::string SanitizeUtf8(std::string_view bytes);

}  // namespace hearth

#endif  // HEARTH_MODELS_UTF8_ASSEMBLER_H_
