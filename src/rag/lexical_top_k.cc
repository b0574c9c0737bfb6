#include "rag/lexical_top_k.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <numeric>
#include <system_error>
#include <thread>

#include "rag/bm25.h"

namespace hearth::internal {
namespace {

constexpr uint32_t kEnd = std::numeric_limits<uint32_t>::max();
// Bounds are sums in another order than the scores: a margin keeps pruning
// on the safe side of rounding.
constexpr double kSlack = 1e-9;

// A position in one term's postings.
class Cursor {
 public:
  // At the first posting in `range`; upper() bounds the blocks that hold
  // postings in it.
  Cursor(const QueryTerm& term, size_t position, const CorpusView& corpus, DocRange range)
      : list_(*term.postings), idf_(term.idf), position_(position), corpus_(corpus),
        end_(range.end) {
    const size_t first = FirstBlockReaching(0, range.begin);
    for (size_t i = first; i < list_.block_count(); ++i) {
      upper_ = std::max(upper_, BlockBound(i));
      if (static_cast<uint64_t>(list_.block(i).last_doc) + 1 >= end_) break;
    }
    EnterBlock(first);
    SkipTo(range.begin);
  }

  size_t position() const { return position_; }
  double upper() const { return upper_; }
  uint32_t doc() const { return doc_; }
  double Score() const {
    return Bm25TermScore(idf_, decoded_.frequencies[offset_], corpus_.lengths[doc_],
                         corpus_.average_length);
  }

  void Next() {
    if (++offset_ < decoded_.count) {
      Settle(decoded_.docs[offset_]);
    } else {
      EnterBlock(block_ + 1);
    }
  }

  // The bound of the block that would hold `target`, found from the block
  // summaries alone; 0 past the last block.
  double BoundAt(uint32_t target) {
    shallow_ = FirstBlockReaching(std::max(shallow_, block_), target);
    return shallow_ < list_.block_count() ? BlockBound(shallow_) : 0;
  }

  // Moves to the first posting at or after `target`.
  void SkipTo(uint32_t target) {
    if (doc_ >= target) return;
    if (list_.block(block_).last_doc < target) {
      EnterBlock(FirstBlockReaching(block_ + 1, target));
      if (doc_ == kEnd) return;
    }
    while (decoded_.docs[offset_] < target) ++offset_;
    Settle(decoded_.docs[offset_]);
  }

 private:
  double BlockBound(size_t i) const {
    const PostingBlock block = list_.block(i);
    return Bm25TermScore(idf_, block.max_frequency, block.min_length, corpus_.average_length);
  }

  // The first block from `from` whose last document is >= target. Targets
  // mostly fall in the block at hand or the next: those are tried first.
  size_t FirstBlockReaching(size_t from, uint32_t target) const {
    const size_t count = list_.block_count();
    for (size_t near = from; near < std::min(count, from + 2); ++near) {
      if (list_.block(near).last_doc >= target) return near;
    }
    size_t low = std::min(count, from + 2), high = count;
    while (low < high) {
      const size_t middle = low + (high - low) / 2;
      if (list_.block(middle).last_doc < target) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  void EnterBlock(size_t i) {
    block_ = i;
    offset_ = 0;
    if (i >= list_.block_count()) {
      doc_ = kEnd;
      return;
    }
    list_.Decode(i, &decoded_);
    Settle(decoded_.docs[0]);
  }

  // The cursor is at `doc`, or at the end when `doc` is past the range.
  void Settle(uint32_t doc) { doc_ = doc < end_ ? doc : kEnd; }

  const PostingList& list_;
  const double idf_;
  const size_t position_;
  const CorpusView& corpus_;
  const uint32_t end_;
  double upper_ = 0;
  size_t block_ = 0;
  size_t shallow_ = 0;
  size_t offset_ = 0;
  uint32_t doc_ = kEnd;
  DecodedBlock decoded_;
};

// Orders the heap so that its front is the worst kept document.
bool Better(const ScoredDoc& a, const ScoredDoc& b) {
  return a.score > b.score || (a.score == b.score && a.doc < b.doc);
}

class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}
  bool full() const { return heap_.size() == k_; }
  double threshold() const {
    return full() ? heap_.front().score : -std::numeric_limits<double>::infinity();
  }
  // Documents come in increasing order, so an equal score never displaces.
  void Offer(uint32_t doc, double score) {
    if (heap_.size() == k_) {
      if (score <= heap_.front().score) return;
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.pop_back();
    }
    heap_.push_back({doc, score});
    std::push_heap(heap_.begin(), heap_.end(), Better);
  }
  std::vector<ScoredDoc> Sorted() && {
    std::sort(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }

 private:
  const size_t k_;
  std::vector<ScoredDoc> heap_;
};

}  // namespace

void ScoreFloor::Raise(double score) {
  double current = floor_.load(std::memory_order_relaxed);
  while (current < score &&
         !floor_.compare_exchange_weak(current, score, std::memory_order_relaxed)) {
  }
}

std::vector<ScoredDoc> TopBm25(std::span<const QueryTerm> terms, const CorpusView& corpus,
                               size_t k, DocRange range, ScoreFloor* floor) {
  if (terms.empty() || k == 0 || range.begin >= range.end) return {};
  std::vector<std::unique_ptr<Cursor>> cursors;
  for (size_t i = 0; i < terms.size(); ++i) {
    cursors.push_back(std::make_unique<Cursor>(terms[i], i, corpus, range));
  }
  std::sort(cursors.begin(), cursors.end(),
            [](const auto& a, const auto& b) { return a->upper() < b->upper(); });
  const size_t n = cursors.size();
  std::vector<double> prefix(n);  // bound of cursors [0, i]
  double sum = 0;
  for (size_t i = 0; i < n; ++i) prefix[i] = sum += cursors[i]->upper();

  TopK top(k);
  // What a document must beat: this part's k-th best or the floor.
  double threshold = top.threshold();
  const auto update_threshold = [&] {
    threshold = top.threshold();
    if (floor == nullptr) return;
    if (top.full()) floor->Raise(threshold);
    threshold = std::max(threshold, floor->Get());
  };
  update_threshold();
  std::vector<double> parts(n, 0.0);  // by term position
  size_t first_essential = 0;          // cursors below only look candidates up
  while (true) {
    while (first_essential < n && prefix[first_essential] + kSlack <= threshold) {
      ++first_essential;
    }
    if (first_essential == n) break;
    uint32_t doc = kEnd;
    for (size_t i = first_essential; i < n; ++i) doc = std::min(doc, cursors[i]->doc());
    if (doc == kEnd) break;
    double partial = 0;
    for (size_t i = first_essential; i < n; ++i) {
      Cursor& cursor = *cursors[i];
      if (cursor.doc() != doc) continue;
      parts[cursor.position()] = cursor.Score();
      partial += parts[cursor.position()];
      cursor.Next();
    }
    bool dropped = corpus.removed[doc] != 0;
    for (size_t i = first_essential; i-- > 0 && !dropped;) {
      Cursor& cursor = *cursors[i];
      const double others = i > 0 ? prefix[i - 1] : 0;
      if (partial + cursor.upper() + others + kSlack <= threshold ||
          partial + cursor.BoundAt(doc) + others + kSlack <= threshold) {
        dropped = true;
        break;
      }
      cursor.SkipTo(doc);
      if (cursor.doc() != doc) continue;
      parts[cursor.position()] = cursor.Score();
      partial += parts[cursor.position()];
    }
    if (!dropped) top.Offer(doc, std::accumulate(parts.begin(), parts.end(), 0.0));
    std::fill(parts.begin(), parts.end(), 0.0);
    update_threshold();
  }
  return std::move(top).Sorted();
}

std::vector<ScoredDoc> MergeTop(std::vector<std::vector<ScoredDoc>> parts, size_t k) {
  std::vector<ScoredDoc> all;
  for (std::vector<ScoredDoc>& part : parts) all.insert(all.end(), part.begin(), part.end());
  const size_t kept = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(kept), all.end(),
                    Better);
  all.resize(kept);
  return all;
}

std::vector<ScoredDoc> TopBm25InParts(std::span<const QueryTerm> terms, const CorpusView& corpus,
                                      size_t k, int threads, size_t min_part_docs) {
  const size_t docs = corpus.lengths.size();
  const size_t parts = threads <= 1 ? 1
                                    : std::min(4 * static_cast<size_t>(threads),
                                               docs / std::max<size_t>(min_part_docs, 1));
  if (parts < 2) return TopBm25(terms, corpus, k);
  std::vector<std::vector<ScoredDoc>> results(parts);
  std::atomic<size_t> next{0};
  ScoreFloor floor;
  const auto work = [&] {
    for (size_t part; (part = next.fetch_add(1)) < parts;) {
      const DocRange range{.begin = static_cast<uint32_t>(docs * part / parts),
                           .end = static_cast<uint32_t>(docs * (part + 1) / parts)};
      results[part] = TopBm25(terms, corpus, k, range, &floor);
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (int i = 1; i < threads; ++i) {
      try {
        helpers.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // the threads that started do the rest
      }
    }
    work();
  }
  return MergeTop(std::move(results), k);
}

}  // namespace hearth::internal
