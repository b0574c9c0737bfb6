// Plain-text tables for the CLI's listings (`hearth list`, `hearth ps`):
// left-aligned columns separated by four spaces, as `ollama list` prints.
#ifndef HEARTH_CLI_TEXT_TABLE_H_
#define HEARTH_CLI_TEXT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

namespace hearth::cli {

// Prints `rows` (the first is the header) with every column as wide as its
// widest cell. Rows may have different lengths; missing cells are empty.
void PrintTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

}  // namespace hearth::cli

#endif  // HEARTH_CLI_TEXT_TABLE_H_
