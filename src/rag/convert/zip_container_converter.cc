#include "rag/convert/zip_container_converter.h"

#include <memory>
#include <string>

#include "base/status_macros.h"
#include "rag/convert/docx_converter.h"
#include "rag/convert/epub_converter.h"
#include "rag/convert/odt_converter.h"
#include "rag/convert/pptx_converter.h"
#include "rag/convert/xlsx_converter.h"
#include "rag/convert/zip_archive.h"

namespace hearth {
namespace {

enum class ZipFormat { kUnknown, kDocx, kOdt, kPptx, kXlsx, kEpub };

// The `mimetype` entry of EPUB and OpenDocument files; small by definition.
StatusOr<std::string> ReadMimetype(ZipArchive& zip) {
  if (!zip.Contains("mimetype")) return std::string();
  ASSIGN_OR_RETURN(std::string mimetype, zip.ReadEntry("mimetype"));
  while (!mimetype.empty() &&
         (mimetype.back() == '\n' || mimetype.back() == '\r' || mimetype.back() == ' ')) {
    mimetype.pop_back();
  }
  return mimetype;
}

StatusOr<ZipFormat> DetectFormat(ZipArchive& zip) {
  ASSIGN_OR_RETURN(std::string mimetype, ReadMimetype(zip));
  if (mimetype == "application/epub+zip") return ZipFormat::kEpub;
  if (mimetype == "application/vnd.oasis.opendocument.text") return ZipFormat::kOdt;
  if (zip.Contains("[Content_Types].xml")) {
    if (zip.Contains("word/document.xml")) return ZipFormat::kDocx;
    if (zip.Contains("ppt/presentation.xml")) return ZipFormat::kPptx;
    if (zip.Contains("xl/workbook.xml")) return ZipFormat::kXlsx;
  }
  if (mimetype.empty() && zip.Contains("META-INF/container.xml")) return ZipFormat::kEpub;
  return ZipFormat::kUnknown;
}

// The signature of an OLE compound file: legacy .doc/.xls/.ppt, and the
// wrapper Office puts around a password-protected DOCX/XLSX/PPTX.
bool IsOleCompoundFile(std::string_view bytes) {
  return bytes.starts_with(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8));
}

StatusOr<StructuredDocument> ConvertFormat(ZipFormat format, ZipArchive& zip,
                                           const ConvertLimits& limits) {
  switch (format) {
    case ZipFormat::kDocx:
      return ConvertDocx(zip, limits);
    case ZipFormat::kOdt:
      return ConvertOdt(zip, limits);
    case ZipFormat::kPptx:
      return ConvertPptx(zip, limits);
    case ZipFormat::kXlsx:
      return ConvertXlsx(zip, limits);
    case ZipFormat::kEpub:
      return ConvertEpub(zip, limits);
    case ZipFormat::kUnknown:
      break;
  }
  return InvalidArgumentError(
      "zip archive that is not a supported document (DOCX, ODT, PPTX, XLSX, EPUB); "
      "convert it to one of these, or upload its files one by one");
}

}  // namespace

StatusOr<StructuredDocument> ConvertZipContainer(std::string_view bytes,
                                                 const ConvertLimits& limits) {
  if (IsOleCompoundFile(bytes)) {
    return InvalidArgumentError(
        "the file is a password-protected or legacy (.doc, .xls, .ppt) Office document, which "
        "cannot be read; remove the password or save it as DOCX, XLSX or PPTX");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ZipArchive> zip, ZipArchive::Open(bytes, limits));
  ASSIGN_OR_RETURN(ZipFormat format, DetectFormat(*zip));
  StatusOr<StructuredDocument> document = ConvertFormat(format, *zip, limits);
  // A part the package needs but lacks (ZipArchive says NotFound) is a
  // malformed file, as the contract says: InvalidArgument, not NotFound.
  if (!document.ok() && document.status().code() == StatusCode::kNotFound) {
    return InvalidArgumentError("the file is malformed: " + document.status().message());
  }
  return document;
}

}  // namespace hearth
