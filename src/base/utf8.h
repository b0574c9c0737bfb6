// UTF-8 validation and encoding.
//
// hearth accepts untrusted names and text from clients. These functions decide
// whether bytes are well-formed UTF-8 (RFC 3629): no overlong encodings, no
// UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
//
//   if (!IsValidUtf8(name)) return InvalidArgumentError("name is not UTF-8");
//
// Thread-safety: pure functions; safe to call from any thread.

#ifndef HEARTH_BASE_UTF8_H_
#define HEARTH_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth {

// Returns the length in bytes (1 to 4) of the well-formed UTF-8 sequence that
// starts at text[0], or 0 if `text` is empty or does not start with one.
size_t Utf8SequenceLength(std::string_view text);

// True if all of `text` is well-formed UTF-8. The empty string is valid.
bool IsValidUtf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not
// end inside a character (an ill-formed byte counts as one character).
std::string_view Utf8Prefix(std::string_view text, size_t max_bytes);

// Appends the UTF-8 encoding (1 to 4 bytes) of `code_point` to `out`. The
// caller passes a Unicode scalar value (at most U+10FFFF, not a surrogate).
void AppendUtf8(std::string& out, uint32_t code_point);

}  // namespace hearth

#endif  // HEARTH_BASE_UTF8_H_
