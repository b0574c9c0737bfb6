// Fuzzes the HTML converter (rag/convert/html_converter.h) with arbitrary
// bytes. Invariants: ConvertHtml never crashes and returns either an error or
// a document whose blocks have text and headings a level in 1..6.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rag/convert/html_converter.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hearth::ConvertLimits limits;
  limits.max_blocks = 10'000;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto document = hearth::ConvertHtml(bytes, limits);
  if (!document.ok()) return 0;
  Check(document->blocks.size() <= limits.max_blocks);
  for (const hearth::DocumentBlock& block : document->blocks) {
    Check(!block.text.empty());
    Check(block.kind != hearth::BlockKind::kHeading || (block.level >= 1 && block.level <= 6));
  }
  return 0;
}
