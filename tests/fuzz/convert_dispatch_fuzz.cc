// Fuzzes ConvertDocument (rag/convert/convert_dispatch.h), the converters'
// entry point, with an upload as the server receives it. The input's first
// line (at most 64 bytes) is the file name, the rest the file's bytes.
// Invariants:
//   - the name never overrides the content: whether the bytes are a PDF, a
//     zip container, HTML, text or unsupported binary is the same under
//     every name (only the kind of text depends on the extension);
//   - unsupported binary is refused with InvalidArgument, other errors are
//     InvalidArgument, PermissionDenied or ResourceExhausted;
//   - a converted document has the format the sniffer chose and holds the
//     promises of every converter (fuzz_checks.h).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.h"
#include "rag/convert/convert_dispatch.h"
#include "rag/convert/format_sniffer.h"

namespace {

using hearth::SniffedFormat;
using hearth::StatusCode;
using hearth::fuzz::Check;

enum class ContentClass { kPdf, kZip, kHtml, kText, kBinary };

ContentClass ClassOf(SniffedFormat format) {
  switch (format) {
    case SniffedFormat::kPdf:
      return ContentClass::kPdf;
    case SniffedFormat::kZip:
      return ContentClass::kZip;
    case SniffedFormat::kHtml:
      return ContentClass::kHtml;
    case SniffedFormat::kUnsupported:
      return ContentClass::kBinary;
    default:
      return ContentClass::kText;
  }
}

bool FormatMatches(SniffedFormat sniffed, std::string_view format) {
  switch (sniffed) {
    case SniffedFormat::kPdf:
      return format == "pdf";
    case SniffedFormat::kZip:
      return format == "docx" || format == "odt" || format == "pptx" || format == "xlsx" ||
             format == "epub";
    case SniffedFormat::kHtml:
      return format == "html";
    case SniffedFormat::kMarkdown:
      return format == "markdown";
    case SniffedFormat::kCsv:
      return format == "csv";
    case SniffedFormat::kTsv:
      return format == "tsv";
    case SniffedFormat::kJson:
      return format == "json";
    case SniffedFormat::kCode:
      return format == "code";
    case SniffedFormat::kText:
      return format == "text";
    case SniffedFormat::kUnsupported:
      return false;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t line_end = input.substr(0, 65).find('\n');
  const std::string_view name = line_end == std::string_view::npos ? "" : input.substr(0, line_end);
  const std::string_view bytes =
      line_end == std::string_view::npos ? input : input.substr(line_end + 1);

  const SniffedFormat sniffed = hearth::SniffFormat(bytes, name);
  static constexpr std::array<std::string_view, 6> kOtherNames = {
      "a.txt", "a.md", "a.csv", "a.json", "a.py", "a.pdf"};
  for (std::string_view other : kOtherNames) {
    Check(ClassOf(hearth::SniffFormat(bytes, other)) == ClassOf(sniffed));
  }

  const hearth::ConvertLimits limits = hearth::fuzz::FuzzLimits();
  auto document = hearth::ConvertDocument(bytes, name, limits);
  if (!document.ok()) {
    const StatusCode code = document.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kPermissionDenied ||
          code == StatusCode::kResourceExhausted);
    return 0;
  }
  Check(sniffed != SniffedFormat::kUnsupported);
  Check(FormatMatches(sniffed, document->format));
  hearth::fuzz::CheckDocument(*document, limits, document->format);
  return 0;
}
