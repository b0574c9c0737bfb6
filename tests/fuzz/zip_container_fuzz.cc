// Fuzzes the zip-based document converters (rag/convert/
// zip_container_converter.h: DOCX, ODT, PPTX, XLSX, EPUB) with arbitrary
// bytes. Invariants: ConvertZipContainer never crashes and returns either an
// error or a document whose blocks have text and headings a level in 1..6,
// within the limits it was given.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rag/convert/zip_container_converter.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  hearth::ConvertLimits limits;
  limits.max_unpacked_bytes = 8 << 20;
  limits.max_entry_bytes = 4 << 20;
  limits.max_blocks = 10'000;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto document = hearth::ConvertZipContainer(bytes, limits);
  if (!document.ok()) return 0;
  Check(document->blocks.size() <= limits.max_blocks);
  for (const hearth::DocumentBlock& block : document->blocks) {
    Check(!block.text.empty());
    Check(block.kind != hearth::BlockKind::kHeading || (block.level >= 1 && block.level <= 6));
  }
  return 0;
}
