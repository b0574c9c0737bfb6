#include "rag/convert/html_blocks.h"

#include <initializer_list>
#include <string_view>

#include "base/ascii.h"
#include "base/status_macros.h"
#include "rag/convert/xml_reader.h"

namespace hearth {
namespace {

bool NameIn(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view candidate : names) {
    if (EqualsIgnoreAsciiCase(name, candidate)) return true;
  }
  return false;
}

bool IsNamed(const xmlNode* node, std::string_view name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         EqualsIgnoreAsciiCase(LocalName(node), name);
}

// 1..6 for h1..h6, else 0.
int HeadingLevel(std::string_view name) {
  if (name.size() == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6') {
    return name[1] - '0';
  }
  return 0;
}

// Elements that end the running paragraph (and separate words in a cell).
bool IsBlockName(std::string_view name) {
  return NameIn(name,
                {"p",       "li",      "blockquote", "dd",      "dt",      "figcaption", "div",
                 "section", "article", "main",       "header",  "footer",  "nav",        "aside",
                 "ul",      "ol",      "dl",         "figure",  "body",    "form",       "fieldset",
                 "address", "hr",      "caption",    "details", "summary", "td",         "th",
                 "tr",      "br",      "table"}) ||
         HeadingLevel(name) > 0;
}

const xmlNode* FindElement(const xmlNode* node, std::string_view name) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (IsNamed(child, name)) return child;
    if (child->type == XML_ELEMENT_NODE) {
      if (const xmlNode* found = FindElement(child, name)) return found;
    }
  }
  return nullptr;
}

// Walks the tree, gathering inline text into a pending paragraph that is
// flushed whenever a block-level element starts or ends.
class HtmlWalker {
 public:
  HtmlWalker(BlockWriter& writer, bool has_main) : writer_(writer), has_main_(has_main) {}

  Status Walk(const xmlNode* node);
  Status Flush();

 private:
  bool Skipped(std::string_view name) const;
  Status WalkBlock(const xmlNode* node);
  Status WalkTable(const xmlNode* table);
  void CollectRows(const xmlNode* node, TableText& table);
  void AppendInline(std::string_view text);
  // The text of `node`'s subtree without dropped elements, for headings and
  // table cells.
  std::string TextWithout(const xmlNode* node) const;
  void AppendTextWithout(const xmlNode* node, std::string& out) const;

  BlockWriter& writer_;
  bool has_main_;
  std::string pending_;
};

bool HtmlWalker::Skipped(std::string_view name) const {
  if (NameIn(name, {"script", "style", "noscript", "template", "svg", "head", "iframe", "object",
                    "select", "button", "math"})) {
    return true;
  }
  return has_main_ && NameIn(name, {"nav", "footer", "aside", "form"});
}

void HtmlWalker::AppendInline(std::string_view text) {
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    if (!space) {
      pending_.push_back(c);
    } else if (!pending_.empty() && pending_.back() != ' ' && pending_.back() != '\n') {
      pending_.push_back(' ');
    }
  }
}

void HtmlWalker::AppendTextWithout(const xmlNode* node, std::string& out) const {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content != nullptr) out += reinterpret_cast<const char*>(child->content);
    } else if (child->type == XML_ELEMENT_NODE && !Skipped(LocalName(child))) {
      bool block = IsBlockName(LocalName(child));
      if (block) out.push_back(' ');
      AppendTextWithout(child, out);
      if (block) out.push_back(' ');
    }
  }
}

std::string HtmlWalker::TextWithout(const xmlNode* node) const {
  std::string out;
  AppendTextWithout(node, out);
  return CollapseWhitespace(out);
}

Status HtmlWalker::Flush() {
  std::string text;
  text.swap(pending_);
  // Drop spaces around the line breaks that <br> put in.
  std::string cleaned;
  for (char c : text) {
    if (c == '\n' && !cleaned.empty() && cleaned.back() == ' ') cleaned.pop_back();
    if (c == ' ' && !cleaned.empty() && cleaned.back() == '\n') continue;
    cleaned.push_back(c);
  }
  return writer_.AddParagraph(cleaned);
}

Status HtmlWalker::Walk(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (child->content != nullptr) AppendInline(reinterpret_cast<const char*>(child->content));
    } else if (child->type == XML_ELEMENT_NODE) {
      RETURN_IF_ERROR(WalkBlock(child));
    }
  }
  return OkStatus();
}

Status HtmlWalker::WalkBlock(const xmlNode* node) {
  std::string_view name = LocalName(node);
  if (Skipped(name)) return OkStatus();
  if (EqualsIgnoreAsciiCase(name, "br")) {
    pending_.push_back('\n');
    return OkStatus();
  }
  if (int level = HeadingLevel(name); level > 0) {
    RETURN_IF_ERROR(Flush());
    return writer_.AddHeading(TextWithout(node), level);
  }
  if (EqualsIgnoreAsciiCase(name, "pre")) {
    RETURN_IF_ERROR(Flush());
    return writer_.Add(BlockKind::kCode, TextOf(node));
  }
  if (EqualsIgnoreAsciiCase(name, "table")) {
    RETURN_IF_ERROR(Flush());
    return WalkTable(node);
  }
  bool block = IsBlockName(name);
  if (block) RETURN_IF_ERROR(Flush());
  RETURN_IF_ERROR(Walk(node));
  if (block) RETURN_IF_ERROR(Flush());
  return OkStatus();
}

// Rows of this table only; a nested table's text is flattened into its cell.
void HtmlWalker::CollectRows(const xmlNode* node, TableText& table) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE || Skipped(LocalName(child))) continue;
    if (IsNamed(child, "tr")) {
      for (const xmlNode* cell = child->children; cell != nullptr; cell = cell->next) {
        if (IsNamed(cell, "td") || IsNamed(cell, "th")) table.AddCell(TextWithout(cell));
      }
      table.EndRow();
    } else if (NameIn(LocalName(child), {"thead", "tbody", "tfoot"})) {
      CollectRows(child, table);
    }
  }
}

Status HtmlWalker::WalkTable(const xmlNode* table_node) {
  if (const xmlNode* caption = FirstChildElement(table_node, "caption")) {
    RETURN_IF_ERROR(writer_.AddParagraph(TextWithout(caption)));
  }
  TableText table;
  CollectRows(table_node, table);
  return writer_.Add(BlockKind::kTable, table.Take());
}

}  // namespace

std::string HtmlTitle(const xmlNode* root) {
  if (root == nullptr) return "";
  const xmlNode* head = FindElement(root, "head");
  const xmlNode* title = head != nullptr ? FindElement(head, "title") : nullptr;
  return title != nullptr ? CollapseWhitespace(TextOf(title)) : "";
}

Status AppendHtmlBlocks(const xmlNode* root, BlockWriter& writer) {
  if (root == nullptr) return OkStatus();
  bool has_main = FindElement(root, "main") != nullptr || FindElement(root, "article") != nullptr;
  HtmlWalker walker(writer, has_main);
  const xmlNode* body = IsNamed(root, "body") ? root : FindElement(root, "body");
  RETURN_IF_ERROR(walker.Walk(body != nullptr ? body : root));
  return walker.Flush();
}

}  // namespace hearth
