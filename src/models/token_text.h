// Text <-> tokens with a model's vocabulary: the thin, checked layer over
// llama_tokenize / llama_token_to_piece / llama_detokenize that the engine
// uses.
//
// Thread-safety: thread-safe; a llama_vocab is read-only once loaded.
//
// Example:
//   ASSIGN_OR_RETURN(std::vector<llama_token> tokens,
//                    TokenizeText(vocab, "Hello", /*add_special=*/true, /*parse_special=*/true));
//   std::string text = TokenPiece(vocab, tokens.back());
#ifndef HEARTH_MODELS_TOKEN_TEXT_H_
#define HEARTH_MODELS_TOKEN_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "llama.h"

namespace hearth {

// The tokens of `text`. add_special adds the BOS/EOS (or CLS/SEP) tokens the
// model's tokenizer asks for; parse_special reads "<|eot_id|>"-like text as
// the special token (for prompts already formatted by a chat template).
// InvalidArgument if llama.cpp cannot tokenize the text.
[[nodiscard]] StatusOr<std::vector<llama_token>> TokenizeText(const llama_vocab* vocab,
                                                              std::string_view text,
                                                              bool add_special,
                                                              bool parse_special);

// The bytes `token` stands for in generated text (control tokens render as
// "", or as their text with `render_special`). The bytes may be part of a
// multi-byte character (see utf8_assembler.h).
std::string TokenPiece(const llama_vocab* vocab, llama_token token, bool render_special = false);

// The tokens of `tail`, text that continues an already tokenized prompt at a
// token boundary: no BOS, special tokens parsed, and exactly `tail`'s bytes
// (a SentencePiece vocabulary's lone space prefix is dropped). nullopt when
// the vocabulary cannot tokenize `tail` on its own to exactly its bytes; the
// caller then tokenizes the whole text.
std::optional<std::vector<llama_token>> TokenizeContinuation(const llama_vocab* vocab,
                                                             std::string_view tail);

// The text of `tokens`, special tokens rendered as their text.
// InvalidArgument naming the first id outside [0, vocabulary size).
[[nodiscard]] StatusOr<std::string> DetokenizeText(const llama_vocab* vocab,
                                                   const std::vector<int32_t>& tokens);

// Length of the common prefix of `a` and `b`.
size_t CommonPrefixLength(const std::vector<llama_token>& a, const std::vector<llama_token>& b);

}  // namespace hearth

#endif  // HEARTH_MODELS_TOKEN_TEXT_H_
