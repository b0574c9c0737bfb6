// AppendHtmlBlocks: turns a parsed HTML or XHTML tree into blocks. Shared by
// the HTML converter and the EPUB converter (whose chapters are XHTML).
// Internal to rag/convert.
//
// Only the main text is kept: script, style, noscript, template, svg, the
// head (and iframe, object, select, button, math) are dropped, and so are
// nav, footer, aside and form when the page has a <main> or <article>.
// h1..h6 become headings, p/li/blockquote/dd/dt/figcaption and loose text
// paragraphs, pre code, and table a table block ("a | b" per row, a nested
// table flattened into its cell). Inline whitespace is collapsed; <br> is a
// line break.
#ifndef HEARTH_RAG_CONVERT_HTML_BLOCKS_H_
#define HEARTH_RAG_CONVERT_HTML_BLOCKS_H_

#include <libxml/tree.h>

#include <string>

#include "base/status.h"
#include "rag/convert/block_writer.h"

namespace hearth {

// Appends the blocks of the document whose root element is `root` (<html>).
// Errors: those of BlockWriter::Add (output limits).
Status AppendHtmlBlocks(const xmlNode* root, BlockWriter& writer);

// The text of <head><title>, whitespace collapsed; "" when absent.
std::string HtmlTitle(const xmlNode* root);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_HTML_BLOCKS_H_
