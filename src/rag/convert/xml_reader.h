// XmlDocument: a parsed XML or HTML document (libxml2) that is safe to build
// from untrusted bytes, and helpers to walk it. Internal to rag/convert: it
// exposes libxml2's node type, so only converter sources include it.
//
// Safety: the network is never used (XML_PARSE_NONET); entities are not
// substituted and external entities and DTDs are never loaded (an external
// entity loader that refuses everything is installed once), so an XXE
// reference stays an unexpanded entity node, which TextOf skips; parser
// errors and warnings never reach stderr. After parsing, the tree's depth is
// checked against ConvertLimits::max_xml_depth, so the recursive walkers in
// the converters are bounded.
//
// Names are compared by local name (namespace prefixes ignored): the
// document formats read here never reuse a local name across namespaces in a
// way that matters, and it keeps transitional and strict OOXML alike.
//
// Thread model: a document is externally synchronized; parsing may happen on
// several threads at once.
//
// Example:
//   ASSIGN_OR_RETURN(XmlDocument doc, XmlDocument::ParseXml(xml, "word/document.xml", limits));
//   for (const xmlNode* p : ChildElements(FirstChildElement(doc.root(), "body"), "p")) ...
#ifndef HEARTH_RAG_CONVERT_XML_READER_H_
#define HEARTH_RAG_CONVERT_XML_READER_H_

#include <libxml/tree.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rag/convert/convert_limits.h"

namespace hearth {

class XmlDocument {
 public:
  // Parses `bytes` as XML. `what` names the input in error messages
  // ("word/document.xml"). Errors: InvalidArgument when the XML is malformed
  // or empty; ResourceExhausted when it nests deeper than max_xml_depth.
  static StatusOr<XmlDocument> ParseXml(std::string_view bytes, std::string_view what,
                                        const ConvertLimits& limits);

  // Parses `bytes` as HTML, recovering from errors as browsers do; the
  // charset comes from a BOM or <meta>, else UTF-8 is assumed. Element names
  // are lower case. Errors: InvalidArgument when nothing could be parsed;
  // ResourceExhausted when it nests deeper than max_xml_depth.
  static StatusOr<XmlDocument> ParseHtml(std::string_view bytes, std::string_view what,
                                         const ConvertLimits& limits);

  XmlDocument(XmlDocument&&) = default;
  XmlDocument& operator=(XmlDocument&&) = default;

  // The root element; never null for a parsed document.
  const xmlNode* root() const;

 private:
  struct DocFree {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
  };
  explicit XmlDocument(xmlDoc* doc) : doc_(doc) {}
  static StatusOr<XmlDocument> Checked(xmlDoc* doc, std::string_view what,
                                       const ConvertLimits& limits);

  std::unique_ptr<xmlDoc, DocFree> doc_;
};

// The node's local name ("" for non-elements).
std::string_view LocalName(const xmlNode* node);

// True if `node` is an element whose local name is `name` (case-sensitive).
bool IsElement(const xmlNode* node, std::string_view name);

// The element children of `node` named `name` (all element children when
// `name` is empty). `node` may be null (no children).
std::vector<const xmlNode*> ChildElements(const xmlNode* node, std::string_view name = {});

// The first element child named `name`, or null.
const xmlNode* FirstChildElement(const xmlNode* node, std::string_view name);

// The first element named `name` in `node`'s subtree (depth first, `node`
// excluded), or null.
const xmlNode* FindDescendant(const xmlNode* node, std::string_view name);

// The value of the attribute whose local name is `name` (any namespace), or
// "" when absent.
std::string AttributeOf(const xmlNode* node, std::string_view name);

// Like AttributeOf, but only attributes in a namespace count: "r:id" of
// <p:sldId id="256" r:id="rId2"/> rather than its plain "id".
std::string NamespacedAttributeOf(const xmlNode* node, std::string_view name);

// The concatenated text and CDATA of `node`'s subtree, in document order.
// Entity references that were not expanded are skipped.
std::string TextOf(const xmlNode* node);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_XML_READER_H_
