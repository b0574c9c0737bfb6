// Text decoding for uploaded text files: whatever the bytes' encoding, the
// result is UTF-8 with '\n' line ends and no NUL characters.
//
//   UTF-8, with or without a byte-order mark  -> as is (BOM dropped)
//   UTF-16 LE / BE with a byte-order mark     -> converted; unpaired
//                                                surrogates become U+FFFD
//   anything else that is not valid UTF-8     -> read as Windows-1252
//                                                (a superset of Latin-1)
//
// Thread-safety: pure functions.
#ifndef HEARTH_RAG_CONVERT_TEXT_DECODING_H_
#define HEARTH_RAG_CONVERT_TEXT_DECODING_H_

#include <string>
#include <string_view>

namespace hearth {

struct DecodedText {
  std::string text;
  // "utf-8", "utf-16le", "utf-16be" or "windows-1252".
  std::string encoding;
};

// Decodes `bytes` as described above. Never fails.
DecodedText DecodeText(std::string_view bytes);

// True if `bytes` starts with a UTF-16 byte-order mark.
bool HasUtf16Bom(std::string_view bytes);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_TEXT_DECODING_H_
