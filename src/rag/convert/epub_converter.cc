#include "rag/convert/epub_converter.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "rag/convert/block_writer.h"
#include "rag/convert/document_builder.h"
#include "rag/convert/html_blocks.h"
#include "rag/convert/xml_reader.h"
#include "rag/convert/zip_parts.h"

namespace hearth {
namespace {

struct Package {
  std::string title;
  std::vector<std::string> chapters;  // entry names in spine order
};

StatusOr<std::string> PackagePath(ZipArchive& zip, const ConvertLimits& limits) {
  if (!zip.Contains("META-INF/container.xml")) {
    return InvalidArgumentError("the EPUB has no META-INF/container.xml; the file is malformed");
  }
  ASSIGN_OR_RETURN(XmlDocument container, ReadXmlPart(zip, "META-INF/container.xml", limits));
  const xmlNode* rootfile = FindDescendant(container.root(), "rootfile");
  std::string path = ResolveZipPath("", AttributeOf(rootfile, "full-path"));
  if (path.empty() || !zip.Contains(path)) {
    return InvalidArgumentError("the EPUB's container.xml names no package file that exists");
  }
  return path;
}

bool IsHtmlMediaType(std::string_view type) {
  return type == "application/xhtml+xml" || type == "text/html";
}

StatusOr<Package> ReadPackage(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(std::string opf_path, PackagePath(zip, limits));
  ASSIGN_OR_RETURN(XmlDocument opf, ReadXmlPart(zip, opf_path, limits));
  std::string folder = ZipDirectoryOf(opf_path);
  std::map<std::string, std::string> items;  // id -> entry name, HTML items only
  for (const xmlNode* item : ChildElements(FirstChildElement(opf.root(), "manifest"), "item")) {
    if (!IsHtmlMediaType(AttributeOf(item, "media-type"))) continue;
    items.emplace(AttributeOf(item, "id"), ResolveZipPath(folder, AttributeOf(item, "href")));
  }
  Package package;
  package.title = CollapseWhitespace(
      TextOf(FirstChildElement(FirstChildElement(opf.root(), "metadata"), "title")));
  for (const xmlNode* ref : ChildElements(FirstChildElement(opf.root(), "spine"), "itemref")) {
    auto found = items.find(AttributeOf(ref, "idref"));
    if (found != items.end()) package.chapters.push_back(found->second);
  }
  return package;
}

// XHTML chapters are XML; a chapter that is not well-formed is read as HTML,
// as reading systems do.
StatusOr<XmlDocument> ParseChapter(std::string_view bytes, std::string_view name,
                                   const ConvertLimits& limits) {
  StatusOr<XmlDocument> xhtml = XmlDocument::ParseXml(bytes, name, limits);
  if (xhtml.ok() || xhtml.status().code() == StatusCode::kResourceExhausted) return xhtml;
  return XmlDocument::ParseHtml(bytes, name, limits);
}

}  // namespace

StatusOr<StructuredDocument> ConvertEpub(ZipArchive& zip, const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(Package package, ReadPackage(zip, limits));
  DocumentBuilder builder("epub", limits);
  StructuredDocument& document = builder.document();
  document.title = package.title;
  BlockWriter writer(builder, limits);
  for (const std::string& chapter : package.chapters) {
    if (!zip.Contains(chapter)) {
      document.warnings.push_back("chapter '" + chapter + "' is missing from the EPUB");
      continue;
    }
    ASSIGN_OR_RETURN(std::string bytes, zip.ReadEntry(chapter));
    ASSIGN_OR_RETURN(XmlDocument html, ParseChapter(bytes, chapter, limits));
    RETURN_IF_ERROR(AppendHtmlBlocks(html.root(), writer));
  }
  return std::move(builder).Finish();
}

}  // namespace hearth
