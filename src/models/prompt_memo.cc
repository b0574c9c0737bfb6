#include "models/prompt_memo.h"

#include <algorithm>
#include <utility>

#include "models/utf8_assembler.h"

namespace hearth {
namespace {

constexpr char kWhitespace[] = " \t\n\r\v\f";

// Bytes `a` and `b` have in common from their starts.
size_t CommonBytes(std::string_view a, std::string_view b) {
  return static_cast<size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first - a.begin());
}

}  // namespace

PromptMemo::PromptMemo(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

void PromptMemo::Remember(std::string prompt_text, bool add_special,
                          std::vector<int32_t> prompt_tokens,
                          const std::vector<int32_t>& generated,
                          const std::vector<std::string>& pieces) {
  Entry entry{.text = std::move(prompt_text), .add_special = add_special,
              .tokens = std::move(prompt_tokens)};
  entry.boundaries.push_back({entry.text.size(), entry.tokens.size()});
  // A reply comes back as the text that was streamed, which is valid UTF-8:
  // bytes that form no character are U+FFFD there. Each token stands for
  // its share of that text, as the same assembler hands it out.
  Utf8Assembler assembler;
  const size_t count = std::min(generated.size(), pieces.size());
  for (size_t i = 0; i < count; ++i) {
    std::string text = assembler.Append(pieces[i]);
    if (i + 1 == count) text += assembler.Flush();
    entry.text += text;
    entry.tokens.push_back(generated[i]);
    // A token with no text of its own (a control token the model emitted,
    // or bytes held back for the next token) belongs to the prefix only when
    // the text goes on matching after it.
    if (!text.empty()) entry.boundaries.push_back({entry.text.size(), entry.tokens.size()});
  }
  const size_t reply_end = entry.text.find_first_not_of(kWhitespace, entry.reply_start());
  entry.reply_whitespace = (reply_end == std::string::npos ? entry.text.size() : reply_end) -
                           entry.reply_start();
  std::lock_guard lock(mu_);
  entries_.push_front(std::move(entry));
  if (entries_.size() > capacity_) entries_.pop_back();
}

PromptMemo::Boundary PromptMemo::Matched(const Entry& entry, std::string_view text) {
  // The last boundary within the first `bytes` of the entry's text.
  const auto last_within = [&entry](size_t bytes) {
    auto after = std::upper_bound(entry.boundaries.begin(), entry.boundaries.end(), bytes,
                                  [](size_t n, const Boundary& b) { return n < b.bytes; });
    return after == entry.boundaries.begin() ? Boundary{0, 0} : *std::prev(after);
  };
  const size_t common = CommonBytes(text, entry.text);
  Boundary exact = last_within(common);
  // The new text may replay the reply trimmed: it goes on at the reply's
  // first non-whitespace byte where the entry has whitespace.
  const size_t skip = entry.reply_whitespace;
  if (skip == 0 || common != entry.reply_start()) return exact;
  const std::string_view rest = std::string_view(entry.text).substr(entry.reply_start() + skip);
  const size_t more = CommonBytes(text.substr(common), rest);
  Boundary trimmed = last_within(entry.reply_start() + skip + more);
  if (trimmed.bytes <= entry.reply_start() + skip) return exact;  // no reply text matched
  trimmed.bytes -= skip;
  return trimmed;
}

std::optional<PromptMemo::Prefix> PromptMemo::Longest(std::string_view text, bool add_special) {
  std::lock_guard lock(mu_);
  auto best = entries_.end();
  Boundary best_boundary{0, 0};
  for (auto entry = entries_.begin(); entry != entries_.end(); ++entry) {
    if (entry->add_special != add_special) continue;
    const Boundary boundary = Matched(*entry, text);
    if (boundary.bytes > best_boundary.bytes) {
      best = entry;
      best_boundary = boundary;
    }
  }
  if (best == entries_.end() || best_boundary.bytes == 0) return std::nullopt;
  Prefix prefix{.bytes = best_boundary.bytes,
                .tokens = std::vector<int32_t>(best->tokens.begin(),
                                               best->tokens.begin() +
                                                   static_cast<std::ptrdiff_t>(best_boundary.tokens))};
  entries_.splice(entries_.begin(), entries_, best);
  return prefix;
}

}  // namespace hearth
