#include "rag/convert/format_sniffer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "rag/convert/text_decoding.h"

namespace hearth {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kLanguages = {{
    {"c", "c"},
    {"h", "c"},
    {"cc", "cpp"},
    {"cpp", "cpp"},
    {"cxx", "cpp"},
    {"hpp", "cpp"},
    {"hh", "cpp"},
    {"py", "python"},
    {"js", "javascript"},
    {"mjs", "javascript"},
    {"cjs", "javascript"},
    {"ts", "typescript"},
    {"tsx", "typescript"},
    {"jsx", "javascript"},
    {"java", "java"},
    {"kt", "kotlin"},
    {"go", "go"},
    {"rs", "rust"},
    {"rb", "ruby"},
    {"php", "php"},
    {"cs", "csharp"},
    {"swift", "swift"},
    {"scala", "scala"},
    {"sh", "shell"},
    {"bash", "shell"},
    {"zsh", "shell"},
    {"ps1", "powershell"},
    {"sql", "sql"},
    {"r", "r"},
    {"lua", "lua"},
    {"pl", "perl"},
    {"m", "objective-c"},
    {"css", "css"},
    {"scss", "scss"},
    {"yaml", "yaml"},
    {"yml", "yaml"},
    {"toml", "toml"},
    {"cmake", "cmake"},
    {"mk", "make"},
    {"proto", "protobuf"},
}};

std::string ToLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower;
}

bool LooksLikeHtml(std::string_view bytes) {
  std::string head = ToLower(bytes.substr(0, 1024));
  size_t start = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  if (start == std::string::npos) return false;
  std::string_view text = std::string_view(head).substr(start);
  if (text.starts_with("<!doctype html") || text.starts_with("<html")) return true;
  return text.starts_with("<?xml") && text.find("xhtml") != std::string_view::npos;
}

// Text has few control characters besides tab, newline, carriage return,
// form feed and escape; binary formats (images, executables, archives) are
// full of them.
bool LooksLikeBinary(std::string_view bytes) {
  if (HasUtf16Bom(bytes)) return false;
  std::string_view sample = bytes.substr(0, 8192);
  size_t control = 0;
  for (char c : sample) {
    auto byte = static_cast<uint8_t>(c);
    if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r' && byte != '\f' && byte != 0x1b) {
      ++control;
    }
  }
  return control * 20 > sample.size();  // more than 5%
}

SniffedFormat TextFormatForExtension(std::string_view extension, std::string_view name) {
  if (extension == "md" || extension == "markdown") return SniffedFormat::kMarkdown;
  if (extension == "csv") return SniffedFormat::kCsv;
  if (extension == "tsv" || extension == "tab") return SniffedFormat::kTsv;
  if (extension == "json") return SniffedFormat::kJson;
  if (extension == "html" || extension == "htm" || extension == "xhtml") return SniffedFormat::kHtml;
  if (!CodeLanguageForName(name).empty()) return SniffedFormat::kCode;
  return SniffedFormat::kText;
}

}  // namespace

std::string LowerExtension(std::string_view name) {
  size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  return ToLower(name.substr(dot + 1));
}

std::string CodeLanguageForName(std::string_view name) {
  std::string extension = LowerExtension(name);
  for (const auto& [ext, language] : kLanguages) {
    if (ext == extension) return std::string(language);
  }
  return "";
}

SniffedFormat SniffFormat(std::string_view bytes, std::string_view name) {
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) return SniffedFormat::kPdf;
  if (bytes.starts_with("PK\x03\x04")) return SniffedFormat::kZip;
  if (LooksLikeHtml(bytes)) return SniffedFormat::kHtml;
  if (LooksLikeBinary(bytes)) return SniffedFormat::kUnsupported;
  return TextFormatForExtension(LowerExtension(name), name);
}

}  // namespace hearth
