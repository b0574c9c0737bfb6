#include "rag/convert/text_decoding.h"

#include <cstdint>

#include "base/utf8.h"

namespace hearth {
namespace {


constexpr uint32_t kReplacement = 0xFFFD;

std::string DecodeUtf16(std::string_view bytes, bool little_endian) {
  std::string out;
  out.reserve(bytes.size());
  auto unit_at = [&](size_t i) -> uint32_t {
    auto a = static_cast<uint8_t>(bytes[i]);
    auto b = static_cast<uint8_t>(bytes[i + 1]);
    return little_endian ? (uint32_t{b} << 8 | a) : (uint32_t{a} << 8 | b);
  };
  size_t i = 0;
  while (i + 1 < bytes.size()) {
    uint32_t unit = unit_at(i);
    i += 2;
    if (unit >= 0xD800 && unit < 0xDC00 && i + 1 < bytes.size()) {
      uint32_t low = unit_at(i);
      if (low >= 0xDC00 && low < 0xE000) {
        i += 2;
        AppendUtf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
        continue;
      }
    }
    AppendUtf8(out, unit >= 0xD800 && unit < 0xE000 ? kReplacement : unit);
  }
  return out;
}

// Windows-1252's 0x80..0x9F; the undefined five map to U+FFFD.
constexpr uint16_t kCp1252High[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                      0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

std::string DecodeCp1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char c : bytes) {
    auto byte = static_cast<uint8_t>(c);
    bool high_control = byte >= 0x80 && byte < 0xA0;
    AppendUtf8(out, high_control ? kCp1252High[byte - 0x80] : byte);
  }
  return out;
}

// CRLF and lone CR become LF; NULs are dropped.
std::string NormalizeLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') continue;
    if (c == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

bool HasUtf16Bom(std::string_view bytes) {
  return bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF");
}

DecodedText DecodeText(std::string_view bytes) {
  DecodedText result;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  } else if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    bool little_endian = bytes[0] == '\xFF';
    result.encoding = little_endian ? "utf-16le" : "utf-16be";
    result.text = NormalizeLineEnds(DecodeUtf16(bytes.substr(2), little_endian));
    return result;
  }
  if (IsValidUtf8(bytes)) {
    result.encoding = "utf-8";
    result.text = NormalizeLineEnds(bytes);
  } else {
    result.encoding = "windows-1252";
    result.text = NormalizeLineEnds(DecodeCp1252(bytes));
  }
  return result;
}

}  // namespace hearth
