#include "rag/convert/xml_reader.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <climits>
#include <mutex>
#include <utility>

namespace hearth {
namespace {

void IgnoreGenericError(void*, const char*, ...) {}
void IgnoreStructuredError(void*, xmlErrorPtr) {}

// Refuses every external entity and DTD: a document must never make the
// converter read a local file or a URL.
xmlParserInputPtr RefuseExternalEntity(const char*, const char*, xmlParserCtxtPtr) {
  return nullptr;
}

// libxml2 keeps its error handlers per thread, so they are set before each
// parse; the parser itself and the entity loader are initialized once.
void PrepareLibxml() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(RefuseExternalEntity);
  });
  xmlSetGenericErrorFunc(nullptr, IgnoreGenericError);
  xmlSetStructuredErrorFunc(nullptr, IgnoreStructuredError);
}

// The deepest element nesting in the tree, stopping once past `limit`.
// Iterative, so a hostile tree cannot exhaust the stack here.
int TreeDepth(const xmlNode* root, int limit) {
  int depth = 1;
  int deepest = 1;
  const xmlNode* node = root;
  while (node != nullptr) {
    // Only elements are descended into: an entity reference's children
    // belong to the entity's declaration, outside this tree.
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr && depth <= limit) {
      node = node->children;
      ++depth;
    } else {
      while (node != root && node->next == nullptr) {
        node = node->parent;
        --depth;
      }
      if (node == root) break;
      node = node->next;
    }
    if (node->type == XML_ELEMENT_NODE && depth > deepest) deepest = depth;
  }
  return deepest;
}

int SizeForLibxml(std::string_view bytes) {
  return bytes.size() > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<int>(bytes.size());
}

}  // namespace

StatusOr<XmlDocument> XmlDocument::Checked(xmlDoc* doc, std::string_view what,
                                           const ConvertLimits& limits) {
  if (doc == nullptr || xmlDocGetRootElement(doc) == nullptr) {
    if (doc != nullptr) xmlFreeDoc(doc);
    return InvalidArgumentError(std::string(what) +
                                " could not be parsed (malformed XML, or no markup at all)");
  }
  XmlDocument result(doc);
  if (TreeDepth(result.root(), limits.max_xml_depth) > limits.max_xml_depth) {
    return ResourceExhaustedError(std::string(what) + " nests elements deeper than " +
                                  std::to_string(limits.max_xml_depth) + " (max_xml_depth)");
  }
  return result;
}

StatusOr<XmlDocument> XmlDocument::ParseXml(std::string_view bytes, std::string_view what,
                                            const ConvertLimits& limits) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return ResourceExhaustedError(std::string(what) + " is too large to parse");
  }
  PrepareLibxml();
  // No XML_PARSE_NOENT (entity substitution) and no XML_PARSE_DTDLOAD: see
  // the header. Whitespace-only text is kept: it separates inline runs.
  constexpr int kOptions =
      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  xmlDoc* doc = xmlReadMemory(bytes.data(), SizeForLibxml(bytes), nullptr, nullptr, kOptions);
  return Checked(doc, what, limits);
}

StatusOr<XmlDocument> XmlDocument::ParseHtml(std::string_view bytes, std::string_view what,
                                             const ConvertLimits& limits) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return ResourceExhaustedError(std::string(what) + " is too large to parse");
  }
  PrepareLibxml();
  constexpr int kOptions =
      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER;
  htmlDocPtr doc = htmlReadMemory(bytes.data(), SizeForLibxml(bytes), nullptr, nullptr, kOptions);
  return Checked(doc, what, limits);
}

const xmlNode* XmlDocument::root() const { return xmlDocGetRootElement(doc_.get()); }

std::string_view LocalName(const xmlNode* node) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE || node->name == nullptr) return {};
  return reinterpret_cast<const char*>(node->name);
}

bool IsElement(const xmlNode* node, std::string_view name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && LocalName(node) == name;
}

std::vector<const xmlNode*> ChildElements(const xmlNode* node, std::string_view name) {
  std::vector<const xmlNode*> out;
  if (node == nullptr) return out;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE && (name.empty() || LocalName(child) == name)) {
      out.push_back(child);
    }
  }
  return out;
}

const xmlNode* FirstChildElement(const xmlNode* node, std::string_view name) {
  if (node == nullptr) return nullptr;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (IsElement(child, name)) return child;
  }
  return nullptr;
}

const xmlNode* FindDescendant(const xmlNode* node, std::string_view name) {
  if (node == nullptr) return nullptr;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (LocalName(child) == name) return child;
    if (const xmlNode* found = FindDescendant(child, name)) return found;
  }
  return nullptr;
}

namespace {

std::string FindAttribute(const xmlNode* node, std::string_view name, bool namespaced_only) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return "";
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    if (attr->name == nullptr || reinterpret_cast<const char*>(attr->name) != name) continue;
    if (namespaced_only && attr->ns == nullptr) continue;
    std::string value;
    for (const xmlNode* text = attr->children; text != nullptr; text = text->next) {
      if (text->content != nullptr) value += reinterpret_cast<const char*>(text->content);
    }
    return value;
  }
  return "";
}

}  // namespace

std::string AttributeOf(const xmlNode* node, std::string_view name) {
  return FindAttribute(node, name, false);
}

std::string NamespacedAttributeOf(const xmlNode* node, std::string_view name) {
  return FindAttribute(node, name, true);
}

namespace {

void AppendText(const xmlNode* node, std::string& out) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content != nullptr) out += reinterpret_cast<const char*>(child->content);
    } else if (child->type == XML_ELEMENT_NODE) {
      AppendText(child, out);
    }
  }
}

}  // namespace

std::string TextOf(const xmlNode* node) {
  std::string out;
  if (node != nullptr) AppendText(node, out);
  return out;
}

}  // namespace hearth
