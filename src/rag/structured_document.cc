#include "rag/structured_document.h"

namespace hearth {

std::string_view BlockKindName(BlockKind kind) {
  switch (kind) {
    case BlockKind::kHeading:
      return "heading";
    case BlockKind::kParagraph:
      return "paragraph";
    case BlockKind::kTable:
      return "table";
    case BlockKind::kCode:
      return "code";
  }
  return "paragraph";
}

}  // namespace hearth
