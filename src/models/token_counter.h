// TokenCounter: how many tokens an embedder's tokenizer makes of some texts.
// The chunker (rag/chunker.h) sizes chunks with it; it is an interface so
// that remote embedders (whose vocabulary hearth lacks) can estimate and
// tests can count words.
//
// Counts are of the text alone: no BOS/EOS, CLS/SEP or other special tokens
// are added, and text that looks like a special token ("<|eot_id|>") is
// counted as plain text.
//
// Thread-safety: implementations are thread-safe; CountTokens may be called
// from several threads at once.
//
// Example:
//   const std::array<std::string_view, 2> texts = {"Hello world", "Bonjour"};
//   ASSIGN_OR_RETURN(std::vector<int32_t> counts, counter.CountTokens(texts));
#ifndef HEARTH_MODELS_TOKEN_COUNTER_H_
#define HEARTH_MODELS_TOKEN_COUNTER_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hearth {

class TokenCounter {
 public:
  virtual ~TokenCounter();

  // One count per text, in order (an empty text counts 0). Batching many
  // texts in one call is cheaper than one call each. Errors: InvalidArgument
  // when the tokenizer rejects a text (never for valid UTF-8).
  virtual StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) = 0;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_TOKEN_COUNTER_H_
