// Fuzzes the chunker (rag/chunker.h) with documents built from the input.
// The first three bytes choose the options (target 8..263 tokens, overlap
// below half of it, heading prefix 0..63 tokens); the rest is decoded as an
// upload's text would be (text_decoding.h) and split into blocks at U+001E
// (record separator). A block's first character sets its kind: 'H' and a
// digit a heading of that level (1..6), 'T' a table, 'C' code, 'N' a
// paragraph on the next page; anything else starts a paragraph.
//
// Token counts come from a tokenizer-free counter: each whitespace-separated
// word costs one token per started 4 bytes, so long words and CJK runs cost
// many, as with a real subword vocabulary.
//
// Invariants: ChunkDocument succeeds on valid options; every chunk has
// non-blank, valid UTF-8 text; embed_text is a heading prefix followed by
// the text; token_count is the counter's count of embed_text; content_hash
// is 64 lowercase hex digits; pages are among the blocks' pages and ordered;
// heading paths name only the document's headings (words joined by one
// space); the text (whitespace
// aside) is a piece of the document's body, and together the chunks cover
// all of it (overlap may repeat some).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.h"
#include "rag/chunker.h"
#include "rag/convert/text_decoding.h"

namespace {

using hearth::BlockKind;
using hearth::DocumentBlock;
using hearth::StructuredDocument;
using hearth::fuzz::Check;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int32_t CountWordTokens(std::string_view text) {
  int32_t tokens = 0;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    tokens += static_cast<int32_t>((i - start + 3) / 4);
  }
  return tokens;
}

class WordPieceCounter final : public hearth::TokenCounter {
 public:
  hearth::StatusOr<std::vector<int32_t>> CountTokens(
      std::span<const std::string_view> texts) override {
    std::vector<int32_t> counts;
    counts.reserve(texts.size());
    for (std::string_view text : texts) counts.push_back(CountWordTokens(text));
    return counts;
  }
};

std::string WithoutSpace(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!IsSpace(c)) out.push_back(c);
  }
  return out;
}

// A heading as heading paths show it: its words joined by single spaces.
std::string CollapseSpace(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i == start) break;
    if (!out.empty()) out.push_back(' ');
    out.append(text.substr(start, i - start));
  }
  return out;
}

DocumentBlock BlockOf(std::string_view record, int32_t& page) {
  DocumentBlock block{.page = page};
  if (record.size() >= 2 && record[0] == 'H' && record[1] >= '1' && record[1] <= '6') {
    block.kind = BlockKind::kHeading;
    block.level = record[1] - '0';
    record.remove_prefix(2);
  } else if (!record.empty() && (record[0] == 'T' || record[0] == 'C')) {
    block.kind = record[0] == 'T' ? BlockKind::kTable : BlockKind::kCode;
    record.remove_prefix(1);
  } else if (!record.empty() && record[0] == 'N') {
    block.page = ++page;
    record.remove_prefix(1);
  }
  block.text = std::string(record);
  return block;
}

StructuredDocument DocumentOf(std::string_view text) {
  StructuredDocument document{.format = "text"};
  int32_t page = 1;
  while (true) {
    const size_t end = std::min(text.find('\x1e'), text.size());
    DocumentBlock block = BlockOf(text.substr(0, end), page);
    if (hearth::fuzz::HasVisibleText(block.text)) document.blocks.push_back(std::move(block));
    if (end == text.size()) break;
    text.remove_prefix(end + 1);
  }
  document.page_count = page;
  return document;
}

void CheckChunk(const hearth::Chunk& chunk, const StructuredDocument& document,
                const std::string& body) {
  Check(hearth::fuzz::HasVisibleText(chunk.text));
  hearth::fuzz::CheckCleanText(chunk.text);
  Check(chunk.embed_text.ends_with(chunk.text));
  Check(chunk.token_count == CountWordTokens(chunk.embed_text));
  Check(chunk.content_hash.size() == 64 &&
        chunk.content_hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  Check(chunk.page_first >= 1 && chunk.page_first <= chunk.page_last &&
        chunk.page_last <= document.page_count);
  for (const std::string& heading : chunk.heading_path) {
    Check(std::any_of(document.blocks.begin(), document.blocks.end(), [&](const DocumentBlock& b) {
      return b.kind == BlockKind::kHeading && CollapseSpace(b.text) == heading;
    }));
  }
  Check(body.find(WithoutSpace(chunk.text)) != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  hearth::ChunkerOptions options;
  options.target_tokens = 8 + data[0];
  options.overlap_tokens = data[1] % (options.target_tokens / 2);
  options.max_heading_prefix_tokens = data[2] % 64;
  const std::string text =
      hearth::DecodeText(std::string_view(reinterpret_cast<const char*>(data + 3), size - 3)).text;
  const StructuredDocument document = DocumentOf(text);

  std::string body;
  for (const DocumentBlock& block : document.blocks) {
    if (block.kind != BlockKind::kHeading) body += WithoutSpace(block.text);
  }
  WordPieceCounter counter;
  auto chunks = hearth::ChunkDocument(document, "fuzz.txt", options, counter);
  Check(chunks.ok());
  size_t chunk_bytes = 0;
  for (const hearth::Chunk& chunk : *chunks) {
    CheckChunk(chunk, document, body);
    chunk_bytes += WithoutSpace(chunk.text).size();
  }
  Check(chunk_bytes >= body.size());
  return 0;
}
