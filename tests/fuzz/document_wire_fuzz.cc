// Fuzzes the decoder of hearth-convert's output (rag/document_wire.h), which
// the server reads from a child that parsed an untrusted file. Invariants:
// Decode never crashes; it fails only with InvalidArgument or
// ResourceExhausted; whatever it accepts encodes back to the same bytes and
// honours the documented shape (heading levels 1..6, UTF-8 text).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/utf8.h"
#include "rag/document_wire.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  hearth::DecodeLimits limits;
  limits.max_blocks = 10'000;
  limits.max_string_bytes = 1 << 20;
  auto document = hearth::Decode(bytes, limits);
  if (!document.ok()) {
    hearth::StatusCode code = document.status().code();
    Check(code == hearth::StatusCode::kInvalidArgument || code == hearth::StatusCode::kResourceExhausted);
    return 0;
  }
  for (const hearth::DocumentBlock& block : document->blocks) {
    Check(block.kind != hearth::BlockKind::kHeading || (block.level >= 1 && block.level <= 6));
    Check(block.page >= 0 && hearth::IsValidUtf8(block.text));
  }
  Check(hearth::Encode(*document) == bytes);
  return 0;
}
