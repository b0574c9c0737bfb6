// Fuzzes one zip-based converter (DOCX, ODT, PPTX, XLSX or EPUB, chosen at
// build time by HEARTH_FUZZ_OFFICE_FORMAT: 1 docx, 2 odt, 3 pptx, 4 xlsx,
// 5 epub) through ConvertZipContainer, with the fuzzer writing the XML parts.
// Mutating a whole archive mostly breaks its checksums and deflate streams;
// here the input is the package's parts separated by NUL bytes, in the
// order of kParts below, and the target zips them (with the fixed entries
// that make the package recognizable) before converting. A missing part is
// left out of the archive.
// Invariants: no crash; an error is InvalidArgument or ResourceExhausted;
// a document has the format of the package and holds the converters'
// promises (fuzz_checks.h); pages, where the format has them (PPTX slides),
// are within the page count.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_checks.h"
#include "rag/convert/zip_container_converter.h"
#include "rag/convert/zip_test_util.h"

#ifndef HEARTH_FUZZ_OFFICE_FORMAT
#error "define HEARTH_FUZZ_OFFICE_FORMAT (1..5)"
#endif

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

[[maybe_unused]] constexpr std::string_view kOoxmlTypes =
    R"(<?xml version="1.0"?>)"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";

#if HEARTH_FUZZ_OFFICE_FORMAT == 1
constexpr std::string_view kFormat = "docx";
constexpr std::array<std::string_view, 3> kParts = {"word/document.xml", "word/styles.xml",
                                                    "docProps/core.xml"};
const Entries kFixed = {{"[Content_Types].xml", std::string(kOoxmlTypes)}};
#elif HEARTH_FUZZ_OFFICE_FORMAT == 2
constexpr std::string_view kFormat = "odt";
constexpr std::array<std::string_view, 2> kParts = {"content.xml", "meta.xml"};
const Entries kFixed = {{"mimetype", "application/vnd.oasis.opendocument.text"}};
#elif HEARTH_FUZZ_OFFICE_FORMAT == 3
constexpr std::string_view kFormat = "pptx";
constexpr std::array<std::string_view, 5> kParts = {
    "ppt/presentation.xml", "ppt/_rels/presentation.xml.rels", "ppt/slides/slide1.xml",
    "ppt/slides/slide2.xml", "docProps/core.xml"};
const Entries kFixed = {{"[Content_Types].xml", std::string(kOoxmlTypes)}};
#elif HEARTH_FUZZ_OFFICE_FORMAT == 4
constexpr std::string_view kFormat = "xlsx";
constexpr std::array<std::string_view, 4> kParts = {
    "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml"};
const Entries kFixed = {{"[Content_Types].xml", std::string(kOoxmlTypes)}};
#else
constexpr std::string_view kFormat = "epub";
constexpr std::array<std::string_view, 4> kParts = {"META-INF/container.xml", "OEBPS/content.opf",
                                                    "OEBPS/ch1.xhtml", "OEBPS/ch2.xhtml"};
const Entries kFixed = {{"mimetype", "application/epub+zip"}};
#endif

Entries PackageEntries(std::string_view input) {
  Entries entries = kFixed;
  for (std::string_view part_name : kParts) {
    if (input.empty()) break;
    const size_t end = std::min(input.find('\0'), input.size());
    entries.emplace_back(std::string(part_name), std::string(input.substr(0, end)));
    input.remove_prefix(std::min(end + 1, input.size()));
  }
  return entries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hearth::StatusCode;
  using hearth::fuzz::Check;
  const std::string archive = hearth::testing_util::BuildZip(
      PackageEntries(std::string_view(reinterpret_cast<const char*>(data), size)));
  const hearth::ConvertLimits limits = hearth::fuzz::FuzzLimits();
  auto document = hearth::ConvertZipContainer(archive, limits);
  if (!document.ok()) {
    const StatusCode code = document.status().code();
    Check(code == StatusCode::kInvalidArgument || code == StatusCode::kResourceExhausted);
    return 0;
  }
  hearth::fuzz::CheckDocument(*document, limits, kFormat);
  return 0;
}
