// The chunker: cuts a StructuredDocument (rag/structured_document.h) into
// passages sized in the embedder's tokens, following the document's
// structure.
//
// Rules:
//   - A heading ends the current chunk; the headings above a block (tracked
//     from their levels) form its heading path. Chunks never span sections.
//   - Blocks are packed into a chunk up to `target_tokens`. A block bigger
//     than that is cut at blank lines, then sentence ends, then whitespace —
//     never inside a word — and a single word longer than the target is cut
//     at a UTF-8 character boundary. Where a chunk must end, the strongest
//     nearby boundary wins (a block edge over a paragraph edge over a
//     sentence end), as long as the chunk keeps at least half the target.
//   - Tables are cut between rows and code blocks between lines.
//   - Within a section, each chunk after the first starts with the last
//     sentences (rows, lines) of the previous one, up to `overlap_tokens`.
//   - `embed_text` is a short heading prefix ("Title › Section › Sub\n\n",
//     at most `max_heading_prefix_tokens`) followed by `text`; it is what is
//     embedded. Token counts come from the TokenCounter, in batches (a few
//     calls per section, never one per word); sizes are estimated from the
//     pieces' counts, so a chunk's text may differ from target_tokens by the
//     few tokens that joining pieces adds or saves.
//
// Thread-safety: ChunkDocument is thread-safe if `counter` is.
//
// Example:
//   ASSIGN_OR_RETURN(std::vector<Chunk> chunks,
//                    ChunkDocument(document, "handbook.pdf", ChunkerOptions{}, counter));
#ifndef HEARTH_RAG_CHUNKER_H_
#define HEARTH_RAG_CHUNKER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/token_counter.h"
#include "rag/structured_document.h"

namespace hearth {

struct ChunkerOptions {
  // The size of a chunk's text, in the embedder's tokens. At least 8.
  int32_t target_tokens = 400;
  // Tokens of the previous chunk repeated at the start of the next (≈15%).
  // 0 disables overlap; must be below target_tokens / 2.
  int32_t overlap_tokens = 60;
  // The longest heading prefix of embed_text; longer paths drop their upper
  // headings (keeping the title and the nearest ones), then are cut.
  int32_t max_heading_prefix_tokens = 32;
};

struct Chunk {
  // The passage as shown to users and to the chat model.
  std::string text;
  // The heading prefix and `text`: what is embedded.
  std::string embed_text;
  // The headings above the passage, outermost first (without the title).
  std::vector<std::string> heading_path;
  // The pages of the blocks the chunk draws on (0 when unpaginated).
  int32_t page_first = 0;
  int32_t page_last = 0;
  // Tokens of embed_text, as the counter counts them.
  int32_t token_count = 0;
  // Lowercase hex SHA-256 of embed_text (the embedding cache's key).
  std::string content_hash;
};

// The chunks of `doc`, in reading order. `document_name` is the title used in
// the heading prefix (the caller passes doc.title or the file name). An
// empty document gives no chunks. Errors: InvalidArgument for options out of
// range; the counter's errors.
StatusOr<std::vector<Chunk>> ChunkDocument(const StructuredDocument& doc,
                                           std::string_view document_name,
                                           const ChunkerOptions& options, TokenCounter& counter);

}  // namespace hearth

#endif  // HEARTH_RAG_CHUNKER_H_
