#include "cli/text_table.h"

#include <algorithm>

namespace hearth::cli {

void PrintTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  constexpr size_t kGap = 4;
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + kGap, ' ');
    }
    out << line << "\n";
  }
}

}  // namespace hearth::cli
