#include "rag/passage_packer.h"

#include <algorithm>
#include <array>
#include <unordered_set>
#include <utility>

#include "base/status_macros.h"

namespace hearth {
namespace {

// Longest overlap searched between adjacent chunks; the chunker's overlap is
// a few sentences, far below this.
constexpr size_t kMaxOverlapBytes = 16384;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

StatusOr<int64_t> CountTokens(TokenCounter* counter, std::string_view text) {
  if (counter == nullptr) return static_cast<int64_t>((text.size() + 3) / 4);
  const std::array<std::string_view, 1> texts = {text};
  ASSIGN_OR_RETURN(std::vector<int32_t> counts, counter->CountTokens(texts));
  if (counts.size() != 1) return InternalError("token counter returned the wrong number of counts");
  return static_cast<int64_t>(counts[0]);
}

// Pinned chunks first by document and ordinal, then the rest by score.
bool PackBefore(const Candidate& a, const Candidate& b) {
  if (a.pinned != b.pinned) return a.pinned;
  if (a.pinned) {
    if (a.chunk.document_id != b.chunk.document_id) return a.chunk.document_id < b.chunk.document_id;
    return a.chunk.ordinal < b.chunk.ordinal;
  }
  if (a.score != b.score) return a.score > b.score;
  return a.chunk.id < b.chunk.id;
}

// The best rank per retriever over both lists.
std::vector<RetrieverRank> MergeFoundBy(std::vector<RetrieverRank> into,
                                        const std::vector<RetrieverRank>& from) {
  for (const RetrieverRank& found : from) {
    auto same = std::find_if(into.begin(), into.end(), [&](const RetrieverRank& r) {
      return r.retriever == found.retriever;
    });
    if (same == into.end()) {
      into.push_back(found);
    } else {
      same->rank = std::min(same->rank, found.rank);
    }
  }
  return into;
}

std::optional<double> MaxRelevance(std::optional<double> a, std::optional<double> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

// `a` followed by `b`, the overlap kept once.
std::string JoinTexts(std::string_view a, std::string_view b) {
  const size_t overlap = OverlapLength(a, b, kMaxOverlapBytes);
  std::string joined(a);
  if (overlap == 0) {
    joined += '\n';
    joined += b;
  } else {
    joined += b.substr(overlap);
  }
  return joined;
}

Passage PassageOf(const Candidate& candidate) {
  const ChunkRow& chunk = candidate.chunk;
  return {.document_id = chunk.document_id,
          .document_name = candidate.document_name,
          .chunk_ids = {chunk.id},
          .first_ordinal = chunk.ordinal,
          .last_ordinal = chunk.ordinal,
          .page_first = chunk.page_first,
          .page_last = chunk.page_last,
          .heading_path = chunk.heading_path,
          .text = chunk.text,
          .score = candidate.score,
          .relevance = candidate.relevance,
          .found_by = candidate.found_by,
          .pinned = candidate.pinned,
          .already_in_context = candidate.already_in_context};
}

// `right` appended to `left` (they are adjacent, left first).
Passage Concatenate(Passage left, const Passage& right) {
  left.text = JoinTexts(left.text, right.text);
  left.chunk_ids.insert(left.chunk_ids.end(), right.chunk_ids.begin(), right.chunk_ids.end());
  left.last_ordinal = right.last_ordinal;
  if (right.page_first != 0 && (left.page_first == 0 || right.page_first < left.page_first)) {
    left.page_first = right.page_first;
  }
  left.page_last = std::max(left.page_last, right.page_last);
  left.score = std::max(left.score, right.score);
  left.relevance = MaxRelevance(left.relevance, right.relevance);
  left.found_by = MergeFoundBy(std::move(left.found_by), right.found_by);
  left.pinned = left.pinned || right.pinned;
  return left;
}

class Packer {
 public:
  Packer(const PackOptions& options, TokenCounter* counter)
      : options_(options), counter_(counter) {}

  Status Add(const Candidate& candidate);
  StatusOr<PackResult> Finish();

 private:
  StatusOr<int64_t> Cost(const Passage& passage, int number) {
    Passage numbered = passage;
    numbered.number = number;
    return CountTokens(counter_, CitationHeader(numbered) + passage.text);
  }
  int64_t Remaining() const { return options_.budget_tokens - used_ - reused_; }
  bool Fits(int64_t tokens) const {
    return options_.budget_tokens == kUnlimitedTokens || tokens <= Remaining();
  }
  void Drop(const Candidate& candidate, DropReason reason, int64_t tokens = 0) {
    result_.dropped.push_back({.chunk_id = candidate.chunk.id,
                               .document_id = candidate.chunk.document_id,
                               .reason = reason,
                               .score = candidate.score,
                               .relevance = candidate.relevance,
                               .token_count = tokens});
  }
  // The passage of the same document ending just before / starting just
  // after `chunk`, or -1.
  int Neighbour(const ChunkRow& chunk, bool before) const;
  Status AddNew(const Candidate& candidate);
  Status Merge(const Candidate& candidate, int left, int right);
  StatusOr<bool> Truncate(Passage& passage);

  const PackOptions options_;
  TokenCounter* const counter_;
  PackResult result_;
  int64_t used_ = 0;
  int64_t reused_ = 0;  // the budget passages already in the conversation take
  std::unordered_set<int64_t> seen_;
};

int Packer::Neighbour(const ChunkRow& chunk, bool before) const {
  for (size_t i = 0; i < result_.passages.size(); ++i) {
    const Passage& p = result_.passages[i];
    if (p.document_id != chunk.document_id || p.already_in_context || p.truncated) continue;
    if (before ? p.last_ordinal + 1 == chunk.ordinal : p.first_ordinal - 1 == chunk.ordinal) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

Status Packer::Add(const Candidate& candidate) {
  if (!seen_.insert(candidate.chunk.id).second) {
    Drop(candidate, DropReason::kDuplicate);
    return OkStatus();
  }
  if (!candidate.pinned && options_.min_relevance && candidate.relevance &&
      *candidate.relevance < *options_.min_relevance) {
    Drop(candidate, DropReason::kBelowThreshold);
    return OkStatus();
  }
  if (candidate.already_in_context) {
    Passage passage = PassageOf(candidate);
    ASSIGN_OR_RETURN(const int64_t cost,
                     Cost(passage, static_cast<int>(result_.passages.size()) + 1));
    reused_ += cost;
    result_.passages.push_back(std::move(passage));
    return OkStatus();
  }
  const int left = Neighbour(candidate.chunk, /*before=*/true);
  const int right = Neighbour(candidate.chunk, /*before=*/false);
  if (left < 0 && right < 0) return AddNew(candidate);
  return Merge(candidate, left, right);
}

Status Packer::AddNew(const Candidate& candidate) {
  Passage passage = PassageOf(candidate);
  passage.number = static_cast<int>(result_.passages.size()) + 1;
  ASSIGN_OR_RETURN(passage.token_count, Cost(passage, passage.number));
  if (!Fits(passage.token_count)) {
    const bool larger_than_budget = passage.token_count > options_.budget_tokens;
    if (!candidate.pinned || !larger_than_budget) {
      Drop(candidate, DropReason::kOverBudget, passage.token_count);
      return OkStatus();
    }
    ASSIGN_OR_RETURN(const bool cut, Truncate(passage));
    if (!cut) {
      Drop(candidate, DropReason::kOverBudget, passage.token_count);
      return OkStatus();
    }
  }
  used_ += passage.token_count;
  result_.passages.push_back(std::move(passage));
  return OkStatus();
}

// Cuts the text at the last word boundary that fits the remaining budget
// (binary search over word ends). False when not even one word fits.
StatusOr<bool> Packer::Truncate(Passage& passage) {
  std::vector<size_t> ends;
  for (size_t i = 1; i < passage.text.size(); ++i) {
    if (IsSpace(passage.text[i]) && !IsSpace(passage.text[i - 1])) ends.push_back(i);
  }
  const int number = passage.number;
  const std::string full = std::move(passage.text);
  size_t low = 0, high = ends.size();  // answer in [0, high): count of ends usable
  int64_t best_tokens = 0;
  while (low < high) {
    const size_t mid = (low + high + 1) / 2;
    passage.text = full.substr(0, ends[mid - 1]);
    ASSIGN_OR_RETURN(const int64_t tokens, Cost(passage, number));
    if (Fits(tokens)) {
      low = mid;
      best_tokens = tokens;
    } else {
      high = mid - 1;
    }
  }
  if (low == 0) {
    passage.text = full;
    return false;
  }
  passage.text = full.substr(0, ends[low - 1]);
  passage.token_count = best_tokens;
  passage.truncated = true;
  return true;
}

Status Packer::Merge(const Candidate& candidate, int left, int right) {
  std::vector<Passage>& passages = result_.passages;
  Passage merged = PassageOf(candidate);
  int64_t before = 0;
  if (left >= 0) {
    before += passages[static_cast<size_t>(left)].token_count;
    merged = Concatenate(passages[static_cast<size_t>(left)], merged);
  }
  if (right >= 0) {
    before += passages[static_cast<size_t>(right)].token_count;
    merged = Concatenate(std::move(merged), passages[static_cast<size_t>(right)]);
  }
  // The merged passage takes the earlier place of its parts.
  const int keep = left < 0 ? right : (right < 0 ? left : std::min(left, right));
  merged.number = keep + 1;
  ASSIGN_OR_RETURN(merged.token_count, Cost(merged, merged.number));
  const int64_t added = merged.token_count - before;
  if (!Fits(added)) {
    Drop(candidate, DropReason::kOverBudget, added);
    return OkStatus();
  }
  used_ += added;
  passages[static_cast<size_t>(keep)] = std::move(merged);
  const int gone = left >= 0 && right >= 0 ? std::max(left, right) : -1;
  if (gone >= 0) passages.erase(passages.begin() + gone);
  return OkStatus();
}

StatusOr<PackResult> Packer::Finish() {
  // Numbers are final only now (a merge of two passages removes one);
  // recount the headers whose number moved.
  used_ = 0;
  for (size_t i = 0; i < result_.passages.size(); ++i) {
    Passage& passage = result_.passages[i];
    const int number = static_cast<int>(i) + 1;
    if (passage.number != number && !passage.already_in_context) {
      ASSIGN_OR_RETURN(passage.token_count, Cost(passage, number));
    }
    passage.number = number;
    used_ += passage.token_count;
  }
  result_.tokens_used = used_;
  result_.tokens_reused = reused_;
  return std::move(result_);
}

}  // namespace

std::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kBelowThreshold: return "below_threshold";
    case DropReason::kOverBudget: return "over_budget";
    case DropReason::kDuplicate: return "duplicate";
  }
  return "unknown";
}

std::string CitationHeader(const Passage& passage) {
  std::string header = "[" + std::to_string(passage.number) + "] " + passage.document_name;
  if (passage.page_first > 0) {
    header += ", p. " + std::to_string(passage.page_first);
    if (passage.page_last > passage.page_first) {
      header += "\u2013" + std::to_string(passage.page_last);
    }
  }
  header += '\n';
  return header;
}

size_t OverlapLength(std::string_view a, std::string_view b, size_t max_bytes) {
  const size_t longest = std::min({a.size(), b.size(), max_bytes});
  for (size_t length = longest; length > 0; --length) {
    const size_t start = a.size() - length;
    // Whole words only, so that a coincidental shared letter is not eaten.
    if (start > 0 && !IsSpace(a[start - 1])) continue;
    if (length < b.size() && !IsSpace(b[length])) continue;
    if (a.substr(start) == b.substr(0, length)) return length;
  }
  return 0;
}

StatusOr<PackResult> PackPassages(std::vector<Candidate> candidates, const PackOptions& options,
                                  TokenCounter* counter) {
  if (options.budget_tokens < kUnlimitedTokens) {
    return InvalidArgumentError("token budget must be -1 (unlimited) or more, got " +
                                std::to_string(options.budget_tokens));
  }
  std::stable_sort(candidates.begin(), candidates.end(), PackBefore);
  Packer packer(options, counter);
  for (const Candidate& candidate : candidates) RETURN_IF_ERROR(packer.Add(candidate));
  return packer.Finish();
}

}  // namespace hearth
