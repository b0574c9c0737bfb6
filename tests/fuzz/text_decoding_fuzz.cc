// Fuzzes the text decoder and line-end normalizer (rag/convert/
// text_decoding.h) with arbitrary bytes. Invariants: DecodeText never fails;
// its text is valid UTF-8 with no NUL and no '\r'; the encoding is one of
// the four it names, and "utf-16le"/"utf-16be" exactly when the input starts
// with that byte-order mark; decoding is idempotent (decoding the output
// again gives it back, without a leading BOM); and clean UTF-8 without a BOM
// passes through unchanged.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "fuzz_checks.h"
#include "rag/convert/text_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hearth::fuzz::Check;
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const hearth::DecodedText decoded = hearth::DecodeText(bytes);
  hearth::fuzz::CheckCleanText(decoded.text);

  const bool utf16le = bytes.starts_with("\xFF\xFE");
  const bool utf16be = bytes.starts_with("\xFE\xFF");
  Check((decoded.encoding == "utf-16le") == utf16le);
  Check((decoded.encoding == "utf-16be") == utf16be);
  Check(decoded.encoding == "utf-8" || decoded.encoding == "windows-1252" || utf16le || utf16be);
  Check(hearth::HasUtf16Bom(bytes) == (utf16le || utf16be));

  const std::string_view text = decoded.text;
  const hearth::DecodedText again = hearth::DecodeText(text);
  Check(again.encoding == "utf-8");
  Check(again.text == (text.starts_with(kUtf8Bom) ? text.substr(kUtf8Bom.size()) : text));

  const bool clean = hearth::IsValidUtf8(bytes) && !bytes.starts_with(kUtf8Bom) &&
                     bytes.find_first_of(std::string_view("\r\0", 2)) == std::string_view::npos;
  if (clean) Check(decoded.text == bytes && decoded.encoding == "utf-8");
  return 0;
}
