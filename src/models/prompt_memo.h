// PromptMemo: how the engine tokenized recent prompts and what it generated
// after them, so that a prompt continuing one reuses those tokens.
//
// A chat's next turn sends the whole conversation again as text, with the
// model's reply replayed inside it. Tokenizing that text again need not give
// the tokens the model generated (a tiny or random-weight model often
// produces non-canonical splits, and any model may), and the runner's slot
// cache, which matches tokens, would then prefill everything from the first
// difference on. The memo maps text back to the tokens the slot holds: the
// longest remembered text that the new prompt starts with, cut at a token
// boundary, supplies its tokens, and only the rest is tokenized.
//
// Boundaries are known at the end of each remembered prompt and after each
// generated token (its piece's bytes). Entries are kept least recently used
// first out, up to a capacity.
//
// Chat templates often trim the replies they replay (Llama 3's `| trim`),
// while models usually start a reply with a space token (" The"). A new
// prompt that replays the reply without its leading whitespace still
// matches: the reply's tokens, whitespace token included, stand for the
// trimmed text. (Trailing whitespace needs nothing: the match ends at the
// last boundary before it.)
//
// Thread-safety: thread-safe.
#ifndef HEARTH_MODELS_PROMPT_MEMO_H_
#define HEARTH_MODELS_PROMPT_MEMO_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"

namespace hearth {

class PromptMemo {
 public:
  explicit PromptMemo(size_t capacity);

  // A prompt's text and tokens (`add_special`: whether the tokenizer added
  // BOS), then the generated tokens with their pieces (the bytes each stands
  // for). The reply is remembered as it was streamed (models/
  // utf8_assembler.h: bytes that form no character become U+FFFD), since
  // that is the text a chat replays. A token without text of its own (a
  // control token the model emitted, which replayed text cannot show, or
  // bytes of a character the next token completes) is part of a prefix only
  // together with the next token that has text: the model saw it there.
  void Remember(std::string prompt_text, bool add_special, std::vector<int32_t> prompt_tokens,
                const std::vector<int32_t>& generated, const std::vector<std::string>& pieces);

  struct Prefix {
    size_t bytes = 0;             // of the new prompt's text
    std::vector<int32_t> tokens;  // standing for those bytes
  };
  // The longest remembered prefix of `text` that ends at a token boundary,
  // for the same add_special, where `text` may lack the whitespace a
  // remembered reply started with; nullopt when none is longer than 0 bytes.
  std::optional<Prefix> Longest(std::string_view text, bool add_special);

 private:
  struct Boundary {
    size_t bytes;
    size_t tokens;
  };
  struct Entry {
    std::string text;
    bool add_special = false;
    std::vector<int32_t> tokens;
    std::vector<Boundary> boundaries;  // ascending
    size_t reply_whitespace = 0;       // ASCII whitespace bytes the reply starts with
    // Where the reply starts in `text`: the prompt's own boundary, the first.
    size_t reply_start() const { return boundaries.front().bytes; }
  };
  // The last boundary of `entry` within the bytes `text` shares with it, in
  // bytes of `text` (0 bytes: none).
  static Boundary Matched(const Entry& entry, std::string_view text);

  const size_t capacity_;
  std::mutex mu_;
  std::list<Entry> entries_ GUARDED_BY(mu_);  // most recently used first
};

}  // namespace hearth

#endif  // HEARTH_MODELS_PROMPT_MEMO_H_
