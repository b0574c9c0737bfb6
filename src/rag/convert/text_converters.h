// Converters for text formats. Each takes text already decoded to UTF-8 with
// '\n' line ends (see text_decoding.h) and returns the document's blocks;
// `format` and the block layout are described per function. All of them
// enforce ConvertLimits' output bounds (ResourceExhausted) and never return
// empty-text blocks.
//
// Thread-safety: pure functions.
#ifndef HEARTH_RAG_CONVERT_TEXT_CONVERTERS_H_
#define HEARTH_RAG_CONVERT_TEXT_CONVERTERS_H_

#include <string_view>

#include "base/status.h"
#include "rag/convert/convert_limits.h"
#include "rag/structured_document.h"

namespace hearth {

// format "text": paragraphs split at blank lines.
StatusOr<StructuredDocument> ConvertPlainText(std::string_view text, const ConvertLimits& limits);

// format "markdown": ATX ("# x") and setext ("x\n===") headings with their
// levels, fenced code blocks (``` or ~~~) as kCode, pipe tables as kTable
// (cells joined by " | ", the delimiter row dropped), everything else as
// paragraphs. The title is the first level-1 heading.
StatusOr<StructuredDocument> ConvertMarkdown(std::string_view text, const ConvertLimits& limits);

// format "csv" / "tsv" (`delimiter` ',', ';' or '\t'): RFC 4180 fields (quotes,
// doubled quotes, line breaks inside quotes). The first row is the header;
// each later row becomes one line "Header1: v1 | Header2: v2" (empty cells
// left out), grouped into kTable blocks of at most kRowsPerTableBlock rows.
// Past limits.max_cells the rest is dropped with a warning.
// GuessCsvDelimiter picks ',' or ';' (common in European exports) for a .csv
// file from its first line.
inline constexpr int kRowsPerTableBlock = 25;
char GuessCsvDelimiter(std::string_view text);
StatusOr<StructuredDocument> ConvertDelimitedText(std::string_view text, char delimiter,
                                                  const ConvertLimits& limits);

// format "json": every scalar becomes a line "path.to.key: value" (array
// elements as "key[3]"), grouped into kTable blocks. Errors: InvalidArgument
// for text that is not JSON (naming the byte offset), ResourceExhausted for
// nesting deeper than limits.max_xml_depth.
StatusOr<StructuredDocument> ConvertJson(std::string_view text, const ConvertLimits& limits);

// format "code": a level-1 heading "<name> (<language>)", then the source as
// kCode blocks split at blank lines once a block has kCodeBlockLines lines.
inline constexpr int kCodeBlockLines = 40;
StatusOr<StructuredDocument> ConvertCode(std::string_view text, std::string_view name,
                                         const ConvertLimits& limits);

}  // namespace hearth

#endif  // HEARTH_RAG_CONVERT_TEXT_CONVERTERS_H_
