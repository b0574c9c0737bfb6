#include "models/rerank_prompt.h"

#include <string_view>

#include "base/status_macros.h"
#include "models/token_text.h"

namespace hearth {
namespace {

void ReplaceAll(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

StatusOr<std::vector<llama_token>> FromTemplate(const llama_vocab* vocab, std::string prompt,
                                                const std::string& query,
                                                const std::string& document) {
  ReplaceAll(prompt, "{query}", query);
  ReplaceAll(prompt, "{document}", document);
  return TokenizeText(vocab, prompt, /*add_special=*/false, /*parse_special=*/true);
}

}  // namespace

StatusOr<std::vector<llama_token>> RerankTokens(const llama_model* model,
                                                const std::string& query,
                                                const std::string& document) {
  const llama_vocab* vocab = llama_model_get_vocab(model);
  if (const char* prompt = llama_model_chat_template(model, "rerank")) {
    return FromTemplate(vocab, prompt, query, document);
  }
  ASSIGN_OR_RETURN(std::vector<llama_token> query_tokens, TokenizeText(vocab, query, false, false));
  ASSIGN_OR_RETURN(std::vector<llama_token> document_tokens,
                   TokenizeText(vocab, document, false, false));
  llama_token end = llama_vocab_eos(vocab);
  if (end == LLAMA_TOKEN_NULL) end = llama_vocab_sep(vocab);
  std::vector<llama_token> tokens;
  if (llama_vocab_get_add_bos(vocab)) tokens.push_back(llama_vocab_bos(vocab));
  tokens.insert(tokens.end(), query_tokens.begin(), query_tokens.end());
  if (llama_vocab_get_add_eos(vocab)) tokens.push_back(end);
  if (llama_vocab_get_add_sep(vocab)) tokens.push_back(llama_vocab_sep(vocab));
  tokens.insert(tokens.end(), document_tokens.begin(), document_tokens.end());
  if (llama_vocab_get_add_eos(vocab)) {
    tokens.push_back(end);
  } else if (llama_vocab_get_add_sep(vocab)) {
    tokens.push_back(llama_vocab_sep(vocab));  // BERT closes the second segment too
  }
  return tokens;
}

}  // namespace hearth
