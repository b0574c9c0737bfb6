// Format sniffing: which converter handles an uploaded file. The decision is
// made from the content (magic bytes, markup at the start, whether it is text
// at all); the file name's extension only chooses among text formats
// (Markdown, CSV/TSV, JSON, source code, plain text), so a renamed binary is
// never fed to a text converter and a PDF named "x.txt" is still a PDF.
//
// Thread-safety: pure functions.
//
// Example:
//   SniffedFormat format = SniffFormat(bytes, "notes.md");  // kMarkdown
#ifndef HEARTH_RAG_CONVERT_FORMAT_SNIFFER_H_
#define HEARTH_RAG_CONVERT_FORMAT_SNIFFER_H_

#include <string>
#include <string_view>

namespace hearth {

enum class SniffedFormat {
  kPdf,          // "%PDF-" within the first 1024 bytes
  kZip,          // a zip container (DOCX, ODT, PPTX, XLSX, EPUB)
  kHtml,         // HTML or XHTML markup
  kMarkdown,     // text named .md / .markdown
  kCsv,          // text named .csv
  kTsv,          // text named .tsv / .tab
  kJson,         // text named .json
  kCode,         // text named after a programming language's extension
  kText,         // any other text
  kUnsupported,  // binary content no converter reads
};

// Decides the format of `bytes`, uploaded as `name` (only its extension is used).
SniffedFormat SniffFormat(std::string_view bytes, std::string_view name);

// The language of a source file from its name ("python" for "a.py"), or ""
// when the extension is not a known programming language.
std::string CodeLanguageForName(std::string_view name);

// The lower-case extension of `name` without the dot ("md"), or "".
std::string LowerExtension(std::string_view name);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_FORMAT_SNIFFER_H_
