#include "rag/convert/zip_parts.h"

#include "base/status_macros.h"
#include "rag/convert/block_writer.h"

namespace hearth {

StatusOr<XmlDocument> ReadXmlPart(ZipArchive& zip, std::string_view name,
                                  const ConvertLimits& limits) {
  ASSIGN_OR_RETURN(std::string bytes, zip.ReadEntry(name));
  return XmlDocument::ParseXml(bytes, name, limits);
}

StatusOr<std::map<std::string, std::string>> ReadRelationships(ZipArchive& zip,
                                                               std::string_view part_name,
                                                               const ConvertLimits& limits) {
  std::string folder = ZipDirectoryOf(part_name);
  std::string rels_name =
      folder + "_rels/" + std::string(part_name.substr(folder.size())) + ".rels";
  std::map<std::string, std::string> targets;
  if (!zip.Contains(rels_name)) return targets;
  ASSIGN_OR_RETURN(XmlDocument rels, ReadXmlPart(zip, rels_name, limits));
  for (const xmlNode* relationship : ChildElements(rels.root(), "Relationship")) {
    if (AttributeOf(relationship, "TargetMode") == "External") continue;
    targets.emplace(AttributeOf(relationship, "Id"),
                    ResolveZipPath(folder, AttributeOf(relationship, "Target")));
  }
  return targets;
}

std::string ReadOoxmlTitle(ZipArchive& zip, const ConvertLimits& limits) {
  if (!zip.Contains("docProps/core.xml")) return "";
  StatusOr<XmlDocument> core = ReadXmlPart(zip, "docProps/core.xml", limits);
  if (!core.ok()) return "";
  return CollapseWhitespace(TextOf(FirstChildElement(core->root(), "title")));
}

}  // namespace hearth
