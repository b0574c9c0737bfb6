// PassagePacker: turns ranked candidate chunks into the passages that go into
// a chat prompt, within a token budget.
//
// Order: the chunks of pinned documents first (by document, then ordinal),
// then the rest by score, best first. Chunks of one document that are
// adjacent by ordinal join into one passage, and the overlap the chunker
// repeats (the tail of chunk i at the head of chunk i+1) is kept once. Each
// passage costs the tokens of its citation header (CitationHeader) plus its
// text, counted with the chat model's TokenCounter; a chunk that would take
// the total past the budget is dropped ("over_budget") and packing goes on
// with the next, smaller ones. A pinned passage larger than the whole budget
// is cut at a word boundary to fit what is left instead (Passage::truncated).
//
// Chunks already in the conversation (Candidate::already_in_context) become
// passages of their own flagged as such, with a token cost of 0: they are
// cited but not sent again. Their tokens still count against the budget
// (PackResult::tokens_reused): the budget is what the model may read for
// this question, so a follow-up on the same topic adds only what is new,
// within what the passages it shares with earlier turns leave — its prompt
// grows by little, and most of it is the prefix the runner already holds.
//
// Thread-safety: PackPassages is a pure function; the TokenCounter must be
// thread-safe as its contract already requires.
//
// Example:
//   ASSIGN_OR_RETURN(PackResult packed,
//                    PackPassages(std::move(candidates), {.budget_tokens = 3000}, &counter));
//   for (const Passage& p : packed.passages) prompt += CitationHeader(p) + p.text + "\n\n";
#ifndef HEARTH_RAG_PASSAGE_PACKER_H_
#define HEARTH_RAG_PASSAGE_PACKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/token_counter.h"
#include "rag/rank_fusion.h"
#include "store/chunk_table.h"

namespace hearth {

// A budget that is never spent (Search results, tests).
inline constexpr int64_t kUnlimitedTokens = -1;

struct Candidate {
  ChunkRow chunk;
  std::string document_name;
  bool pinned = false;        // its document is pinned
  double score = 0;           // the ranking score, higher is better
  // What the similarity threshold is compared with (vector similarity, or
  // the sigmoid of the reranker's score); nullopt when there is none (a
  // chunk found only by lexical search), and then the threshold does not apply.
  std::optional<double> relevance;
  std::vector<RetrieverRank> found_by;
  bool already_in_context = false;
};

struct Passage {
  int number = 0;  // 1..n in the order of PackResult::passages
  int64_t document_id = 0;
  std::string document_name;
  std::vector<int64_t> chunk_ids;  // by ordinal
  int64_t first_ordinal = 0;
  int64_t last_ordinal = 0;
  int64_t page_first = 0;  // 0 when the format has no pages
  int64_t page_last = 0;
  std::string heading_path;  // of the first chunk
  std::string text;          // the chunks' texts joined, overlap removed
  double score = 0;          // best of its chunks
  std::optional<double> relevance;      // best of its chunks
  std::vector<RetrieverRank> found_by;  // best rank per retriever over its chunks
  bool pinned = false;
  bool already_in_context = false;
  bool truncated = false;  // a pinned passage cut to fit the budget
  int64_t token_count = 0; // header + text; 0 when already in context
};

enum class DropReason { kBelowThreshold, kOverBudget, kDuplicate };

// "below_threshold", "over_budget" or "duplicate".
std::string_view DropReasonName(DropReason reason);

struct DroppedChunk {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  DropReason reason = DropReason::kDuplicate;
  double score = 0;
  std::optional<double> relevance;
  // For kOverBudget: what including it would have cost (its passage's
  // tokens, or what merging it into an adjacent passage would have added).
  int64_t token_count = 0;
};

struct PackOptions {
  // Tokens the passages may take in all; kUnlimitedTokens for no limit.
  int64_t budget_tokens = kUnlimitedTokens;
  // Candidates whose relevance is below this are dropped (kBelowThreshold).
  std::optional<double> min_relevance;
};

struct PackResult {
  std::vector<Passage> passages;
  std::vector<DroppedChunk> dropped;  // in the order they were considered
  int64_t tokens_used = 0;            // sum of the passages' token_count
  // Budget taken by the passages already in the conversation (not sent).
  int64_t tokens_reused = 0;
};

// Packs `candidates` (any order; they are sorted as described above). A chunk
// id given twice is dropped the second time (kDuplicate). `counter` may be
// null: tokens are then estimated as one per four bytes.
// Errors: InvalidArgument for a budget < -1; those of the counter.
StatusOr<PackResult> PackPassages(std::vector<Candidate> candidates, const PackOptions& options,
                                  TokenCounter* counter);

// The line that introduces a passage in a prompt and whose tokens it is
// charged for: "[3] report.pdf, p. 4–5\n" ("p. 4" for one page, no page part
// when the format has none).
std::string CitationHeader(const Passage& passage);

// The longest suffix of `a` that is also a prefix of `b`, at most
// `max_bytes` long, in bytes (0 when none): the overlap the chunker repeats
// between adjacent chunks. Exposed for tests.
size_t OverlapLength(std::string_view a, std::string_view b, size_t max_bytes);

}  // namespace hearth

#endif  // HEARTH_RAG_PASSAGE_PACKER_H_
