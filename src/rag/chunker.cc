#include "rag/chunker.h"

#include <algorithm>
#include <span>
#include <utility>

#include "base/status_macros.h"
#include "rag/text_splitter.h"
#include "store/digest.h"

namespace hearth {
namespace {

using internal::TextRange;

constexpr std::string_view kPathSeparator = " \xE2\x80\xBA ";  // " › "

// How good a place to cut just before a unit is.
enum Strength : int { kInsideSentence = 0, kSentence = 1, kParagraph = 2, kBlock = 3 };

// The smallest piece of text the chunker moves: a sentence, a table row, a
// code line, or (inside one that is too big) a word or a run of characters.
struct Unit {
  size_t block = 0;
  TextRange range;
  int strength = kInsideSentence;
  int32_t tokens = 0;
};

// Consecutive non-heading blocks under one heading path.
struct Section {
  std::vector<std::string> path;
  std::vector<size_t> blocks;
};

// A chunk as a run of units: [first, last).
struct UnitSpan {
  size_t first = 0;
  size_t last = 0;
};

std::string HeadingText(std::string_view text) {
  std::string out;
  for (const TextRange word : internal::SplitWords(text, {0, text.size()})) {
    if (!out.empty()) out += ' ';
    out += text.substr(word.begin, word.end - word.begin);
  }
  return out;
}

std::vector<Section> SectionsOf(const StructuredDocument& doc) {
  std::vector<Section> sections(1);
  std::vector<std::pair<int32_t, std::string>> headings;
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const DocumentBlock& block = doc.blocks[i];
    if (block.kind != BlockKind::kHeading) {
      sections.back().blocks.push_back(i);
      continue;
    }
    while (!headings.empty() && headings.back().first >= block.level) headings.pop_back();
    std::string heading = HeadingText(block.text);
    if (!heading.empty()) headings.emplace_back(block.level, std::move(heading));
    Section next;
    for (const auto& [level, title] : headings) next.path.push_back(title);
    sections.push_back(std::move(next));
  }
  std::erase_if(sections, [](const Section& section) { return section.blocks.empty(); });
  return sections;
}

void AddBlockUnits(const DocumentBlock& block, size_t index, std::vector<Unit>& out) {
  const std::string_view text = block.text;
  const size_t before = out.size();
  if (block.kind == BlockKind::kParagraph) {
    for (const TextRange paragraph : internal::SplitParagraphs(text, {0, text.size()})) {
      int strength = kParagraph;
      for (const TextRange sentence : internal::SplitSentences(text, paragraph)) {
        out.push_back({.block = index, .range = sentence, .strength = strength});
        strength = kSentence;
      }
    }
  } else {
    for (const TextRange line : internal::SplitLines(text, {0, text.size()})) {
      out.push_back({.block = index, .range = line, .strength = kSentence});
    }
  }
  if (out.size() > before) out[before].strength = kBlock;
}

std::string_view UnitText(const StructuredDocument& doc, const Unit& unit) {
  return std::string_view(doc.blocks[unit.block].text)
      .substr(unit.range.begin, unit.range.end - unit.range.begin);
}

// Counts the units at `indices` in one call.
Status CountUnits(const StructuredDocument& doc, std::vector<Unit>& units,
                  std::span<const size_t> indices, TokenCounter& counter) {
  if (indices.empty()) return OkStatus();
  std::vector<std::string_view> texts;
  texts.reserve(indices.size());
  for (size_t i : indices) texts.push_back(UnitText(doc, units[i]));
  ASSIGN_OR_RETURN(const std::vector<int32_t> counts, counter.CountTokens(texts));
  if (counts.size() != texts.size()) return InternalError("the token counter lost texts");
  for (size_t i = 0; i < indices.size(); ++i) units[indices[i]].tokens = counts[i];
  return OkStatus();
}

// Replaces each unit over `budget` by the pieces `split` makes of it.
template <typename Split>
Status Refine(const StructuredDocument& doc, std::vector<Unit>& units, int32_t budget, Split split,
              TokenCounter& counter) {
  std::vector<Unit> out;
  std::vector<size_t> fresh;
  out.reserve(units.size());
  for (const Unit& unit : units) {
    std::vector<TextRange> pieces;
    if (unit.tokens > budget) pieces = split(doc.blocks[unit.block].text, unit.range);
    if (pieces.size() <= 1) {
      out.push_back(unit);
      continue;
    }
    for (size_t i = 0; i < pieces.size(); ++i) {
      fresh.push_back(out.size());
      out.push_back({.block = unit.block,
                     .range = pieces[i],
                     .strength = i == 0 ? unit.strength : kInsideSentence});
    }
  }
  if (fresh.empty()) return OkStatus();
  units = std::move(out);
  return CountUnits(doc, units, fresh, counter);
}

// Tokens that joining `a` and the following `b` adds: a block break is
// "\n\n"; inside a block, newlines and runs of spaces (a single space is
// absorbed by the next word's token).
int32_t JoinCost(const StructuredDocument& doc, const Unit& a, const Unit& b) {
  if (a.block != b.block) return 2;
  const std::string_view gap =
      std::string_view(doc.blocks[a.block].text).substr(a.range.end, b.range.begin - a.range.end);
  const auto newlines = static_cast<int32_t>(std::count(gap.begin(), gap.end(), '\n'));
  return newlines + (gap.size() - static_cast<size_t>(newlines) > 1 ? 1 : 0);
}

// The end in (first, full_end] at the strongest boundary that keeps at least
// half the budget; `costs[i]` is the cost of units [first, first + i + 1).
size_t BestEnd(const std::vector<Unit>& units, size_t first, size_t full_end,
               const std::vector<int32_t>& costs, int32_t budget) {
  size_t best = full_end;
  for (size_t end = full_end - 1; end > first; --end) {
    if (costs[end - first - 1] < budget / 2) break;
    if (units[end].strength > units[best].strength) best = end;
  }
  return best;
}

// Where the chunk after [first, end) starts: the trailing units of that chunk
// that fit in `overlap` (from a sentence start when there is one), leaving
// room for the unit at `end`.
size_t OverlapStart(const StructuredDocument& doc, const std::vector<Unit>& units, size_t first,
                    size_t end, int32_t overlap, int32_t budget) {
  size_t start = end;
  int32_t taken = 0;
  while (start > first + 1) {
    const int32_t add =
        units[start - 1].tokens + (start < end ? JoinCost(doc, units[start - 1], units[start]) : 0);
    if (taken + add > overlap) break;
    taken += add;
    --start;
  }
  const int32_t next = units[end].tokens + JoinCost(doc, units[end - 1], units[end]);
  while (start < end && taken + next > budget) {
    taken -=
        units[start].tokens + (start + 1 < end ? JoinCost(doc, units[start], units[start + 1]) : 0);
    ++start;
  }
  for (size_t i = start; i < end; ++i) {
    if (units[i].strength != kInsideSentence) return i;
  }
  return start;
}

std::vector<UnitSpan> Pack(const StructuredDocument& doc, const std::vector<Unit>& units,
                           int32_t budget, int32_t overlap) {
  std::vector<UnitSpan> spans;
  std::vector<int32_t> costs;
  size_t first = 0;
  while (first < units.size()) {
    costs.clear();
    size_t end = first;
    int32_t total = 0;
    while (end < units.size()) {
      const int32_t add =
          units[end].tokens + (end > first ? JoinCost(doc, units[end - 1], units[end]) : 0);
      if (end > first && total + add > budget) break;
      total += add;
      costs.push_back(total);
      ++end;
    }
    if (end < units.size()) end = BestEnd(units, first, end, costs, budget);
    spans.push_back({first, end});
    if (end == units.size()) break;
    first = overlap > 0 ? OverlapStart(doc, units, first, end, overlap, budget) : end;
  }
  return spans;
}

std::string TextOf(const StructuredDocument& doc, const std::vector<Unit>& units, UnitSpan span) {
  std::string text;
  size_t run = span.first;  // the first unit of the current same-block run
  for (size_t i = span.first; i < span.last; ++i) {
    if (i + 1 < span.last && units[i + 1].block == units[i].block) continue;
    if (!text.empty()) text += "\n\n";
    const Unit& a = units[run];
    text += std::string_view(doc.blocks[a.block].text)
                .substr(a.range.begin, units[i].range.end - a.range.begin);
    run = i + 1;
  }
  return text;
}

// "Title › Section › Sub\n\n" within `max_tokens`: upper headings are dropped
// first, then the shortest candidate is cut at a character boundary.
StatusOr<std::string> HeadingPrefix(std::string_view title, const std::vector<std::string>& path,
                                    int32_t max_tokens, TokenCounter& counter) {
  if (max_tokens <= 0) return std::string();
  size_t skip_title_heading = !path.empty() && path.front() == title ? 1 : 0;
  std::vector<std::string> candidates;
  for (size_t from = skip_title_heading; from <= path.size(); ++from) {
    std::string prefix(title);
    for (size_t i = from; i < path.size(); ++i) {
      if (!prefix.empty()) prefix += kPathSeparator;
      prefix += path[i];
    }
    candidates.push_back(prefix.empty() ? prefix : prefix + "\n\n");
  }
  const std::vector<std::string_view> views(candidates.begin(), candidates.end());
  ASSIGN_OR_RETURN(const std::vector<int32_t> counts, counter.CountTokens(views));
  for (size_t i = 0; i < candidates.size() && i < counts.size(); ++i) {
    if (counts[i] <= max_tokens) return candidates[i];
  }
  const std::string_view last = title.empty() ? std::string_view(path.back()) : title;
  const std::vector<TextRange> cut =
      internal::SplitUtf8(last, {0, last.size()}, static_cast<size_t>(max_tokens) / 2);
  return std::string(last.substr(0, cut.front().end)) + "\n\n";
}

Status CheckOptions(const ChunkerOptions& options) {
  if (options.target_tokens < 8) {
    return InvalidArgumentError("chunk size must be at least 8 tokens, not " +
                                std::to_string(options.target_tokens));
  }
  if (options.overlap_tokens < 0 || options.overlap_tokens >= options.target_tokens / 2) {
    return InvalidArgumentError("chunk overlap must be 0 or more and below half the chunk size (" +
                                std::to_string(options.target_tokens / 2) + " tokens), not " +
                                std::to_string(options.overlap_tokens));
  }
  if (options.max_heading_prefix_tokens < 0) {
    return InvalidArgumentError("the heading prefix limit cannot be negative");
  }
  return OkStatus();
}

StatusOr<std::vector<Unit>> SectionUnits(const StructuredDocument& doc, const Section& section,
                                         int32_t budget, TokenCounter& counter) {
  std::vector<Unit> units;
  for (size_t block : section.blocks) AddBlockUnits(doc.blocks[block], block, units);
  std::vector<size_t> all(units.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  RETURN_IF_ERROR(CountUnits(doc, units, all, counter));
  RETURN_IF_ERROR(Refine(doc, units, budget, internal::SplitWords, counter));
  const auto characters = [budget](std::string_view text, TextRange range) {
    return internal::SplitUtf8(text, range, static_cast<size_t>(budget) / 2);
  };
  RETURN_IF_ERROR(Refine(doc, units, budget, characters, counter));
  return units;
}

Chunk MakeChunk(const StructuredDocument& doc, const std::vector<Unit>& units, UnitSpan span,
                const Section& section, const std::string& prefix) {
  Chunk chunk;
  chunk.text = TextOf(doc, units, span);
  chunk.embed_text = prefix + chunk.text;
  chunk.heading_path = section.path;
  chunk.page_first = doc.blocks[units[span.first].block].page;
  chunk.page_last = chunk.page_first;
  for (size_t i = span.first; i < span.last; ++i) {
    chunk.page_first = std::min(chunk.page_first, doc.blocks[units[i].block].page);
    chunk.page_last = std::max(chunk.page_last, doc.blocks[units[i].block].page);
  }
  chunk.content_hash = Sha256Of(chunk.embed_text).Hex();
  return chunk;
}

Status ChunkSection(const StructuredDocument& doc, const Section& section, std::string_view title,
                    const ChunkerOptions& options, TokenCounter& counter, std::vector<Chunk>& out) {
  ASSIGN_OR_RETURN(const std::vector<Unit> units,
                   SectionUnits(doc, section, options.target_tokens, counter));
  ASSIGN_OR_RETURN(const std::string prefix,
                   HeadingPrefix(title, section.path, options.max_heading_prefix_tokens, counter));
  const size_t before = out.size();
  for (const UnitSpan span : Pack(doc, units, options.target_tokens, options.overlap_tokens)) {
    out.push_back(MakeChunk(doc, units, span, section, prefix));
  }
  std::vector<std::string_view> texts;
  for (size_t i = before; i < out.size(); ++i) texts.push_back(out[i].embed_text);
  ASSIGN_OR_RETURN(const std::vector<int32_t> counts, counter.CountTokens(texts));
  for (size_t i = 0; i < texts.size() && i < counts.size(); ++i)
    out[before + i].token_count = counts[i];
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<Chunk>> ChunkDocument(const StructuredDocument& doc,
                                           std::string_view document_name,
                                           const ChunkerOptions& options, TokenCounter& counter) {
  RETURN_IF_ERROR(CheckOptions(options));
  std::vector<Chunk> chunks;
  for (const Section& section : SectionsOf(doc)) {
    RETURN_IF_ERROR(ChunkSection(doc, section, document_name, options, counter, chunks));
  }
  return chunks;
}

}  // namespace hearth
