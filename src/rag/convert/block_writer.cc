#include "rag/convert/block_writer.h"

#include <algorithm>
#include <utility>

namespace hearth {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string NormalizeLineEnds(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out.push_back(text[i]);
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      out.push_back('\n');
    }
  }
  return out;
}

}  // namespace

Status BlockWriter::Add(BlockKind kind, std::string_view text, int32_t level) {
  std::string normalized = NormalizeLineEnds(text);
  if (kind != BlockKind::kCode) normalized = std::string(TrimWhitespace(normalized));
  if (IsBlank(normalized)) return OkStatus();
  int32_t block_level = kind == BlockKind::kHeading ? std::clamp(level, 1, 6) : 0;
  return builder_.Add(kind, block_level, page_, std::move(normalized));
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

void TableText::AddCell(std::string_view text) {
  std::string cell = CollapseWhitespace(text);
  if (row_started_) row_ += " | ";
  row_started_ = true;
  if (!cell.empty()) row_has_text_ = true;
  row_ += cell;
}

void TableText::EndRow() {
  if (row_has_text_) {
    if (!text_.empty()) text_.push_back('\n');
    text_ += row_;
    ++rows_;
  }
  row_.clear();
  row_has_text_ = false;
  row_started_ = false;
}

std::string TableText::Take() {
  EndRow();
  rows_ = 0;
  std::string out = std::move(text_);
  text_.clear();
  return out;
}

}  // namespace hearth
