#include "models/token_text.h"

#include <algorithm>
#include <limits>

namespace hearth {

StatusOr<std::vector<llama_token>> TokenizeText(const llama_vocab* vocab, std::string_view text,
                                                bool add_special, bool parse_special) {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    return InvalidArgumentError("text of " + std::to_string(text.size()) +
                                " bytes is too long to tokenize");
  }
  const auto length = static_cast<int32_t>(text.size());
  std::vector<llama_token> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab, text.data(), length, tokens.data(),
                             static_cast<int32_t>(tokens.size()), add_special, parse_special);
  if (n < 0 && n != std::numeric_limits<int32_t>::min()) {
    tokens.resize(static_cast<size_t>(-n));  // llama.cpp said how many it needs
    n = llama_tokenize(vocab, text.data(), length, tokens.data(),
                       static_cast<int32_t>(tokens.size()), add_special, parse_special);
  }
  if (n < 0) return InvalidArgumentError("llama.cpp could not tokenize the text");
  tokens.resize(static_cast<size_t>(n));
  return tokens;
}

std::string TokenPiece(const llama_vocab* vocab, llama_token token, bool render_special) {
  std::string piece(32, '\0');
  int32_t n = llama_token_to_piece(vocab, token, piece.data(), static_cast<int32_t>(piece.size()),
                                   /*lstrip=*/0, render_special);
  if (n < 0) {
    piece.resize(static_cast<size_t>(-n));
    n = llama_token_to_piece(vocab, token, piece.data(), static_cast<int32_t>(piece.size()), 0,
                             render_special);
  }
  piece.resize(static_cast<size_t>(std::max(n, 0)));
  return piece;
}

std::optional<std::vector<llama_token>> TokenizeContinuation(const llama_vocab* vocab,
                                                             std::string_view tail) {
  StatusOr<std::vector<llama_token>> tokens =
      TokenizeText(vocab, tail, /*add_special=*/false, /*parse_special=*/true);
  if (!tokens.ok()) return std::nullopt;
  std::string text;
  for (llama_token token : *tokens) text += TokenPiece(vocab, token, /*render_special=*/true);
  if (text == tail) return std::move(*tokens);
  // A SentencePiece vocabulary puts a space before text that starts a prompt.
  const bool lone_space_prefix = !tokens->empty() && TokenPiece(vocab, tokens->front(), true) == " ";
  if (lone_space_prefix && std::string_view(text).substr(1) == tail) {
    tokens->erase(tokens->begin());
    return std::move(*tokens);
  }
  return std::nullopt;
}

StatusOr<std::string> DetokenizeText(const llama_vocab* vocab,
                                     const std::vector<int32_t>& tokens) {
  const int32_t n_vocab = llama_vocab_n_tokens(vocab);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= n_vocab) {
      return InvalidArgumentError("token " + std::to_string(i) + " is " +
                                  std::to_string(tokens[i]) + ", outside the vocabulary of " +
                                  std::to_string(n_vocab) + " tokens");
    }
  }
  std::string text(tokens.size() * 8 + 16, '\0');
  const auto count = static_cast<int32_t>(tokens.size());
  int32_t n = llama_detokenize(vocab, tokens.data(), count, text.data(),
                               static_cast<int32_t>(text.size()), /*remove_special=*/false,
                               /*unparse_special=*/true);
  if (n < 0) {
    text.resize(static_cast<size_t>(-n));
    n = llama_detokenize(vocab, tokens.data(), count, text.data(),
                         static_cast<int32_t>(text.size()), false, true);
  }
  if (n < 0) return InternalError("llama.cpp could not detokenize the tokens");
  text.resize(static_cast<size_t>(n));
  return text;
}

size_t CommonPrefixLength(const std::vector<llama_token>& a, const std::vector<llama_token>& b) {
  const auto mismatch = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return static_cast<size_t>(mismatch.first - a.begin());
}

}  // namespace hearth
