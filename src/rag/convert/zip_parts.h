// Reading the XML parts of zip-based documents: ReadXmlPart parses one
// entry, ReadRelationships an OOXML part's "_rels/<name>.rels" (DOCX, PPTX,
// XLSX). Internal to rag/convert.
#ifndef HEARTH_RAG_CONVERT_ZIP_PARTS_H_
#define HEARTH_RAG_CONVERT_ZIP_PARTS_H_

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/convert/xml_reader.h"
#include "rag/convert/zip_archive.h"

namespace hearth {

// Inflates and parses the entry `name` as XML.
// Errors: NotFound when the entry is absent; those of ZipArchive::ReadEntry
// and XmlDocument::ParseXml.
StatusOr<XmlDocument> ReadXmlPart(ZipArchive& zip, std::string_view name,
                                  const ConvertLimits& limits);

// Maps each relationship Id of the part `part_name` ("ppt/presentation.xml")
// to its target's entry name, resolved against the part's folder
// ("ppt/slides/slide1.xml"). External targets (URLs) are left out. A part
// without a .rels entry has no relationships.
// Errors: those of ZipArchive::ReadEntry and XmlDocument::ParseXml.
StatusOr<std::map<std::string, std::string>> ReadRelationships(ZipArchive& zip,
                                                               std::string_view part_name,
                                                               const ConvertLimits& limits);

// The dc:title of an OOXML package's docProps/core.xml, whitespace
// collapsed; "" when absent or unreadable (a title is optional).
std::string ReadOoxmlTitle(ZipArchive& zip, const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_ZIP_PARTS_H_
