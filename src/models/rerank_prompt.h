// The tokens a reranker reads for one (query, document) pair.
//
// A model that ships a "rerank" chat template (e.g. Qwen3-Reranker) gets it
// with {query} and {document} filled in. Otherwise the pair is framed as a
// BERT cross-encoder reads it, with the special tokens the vocabulary asks
// for: [BOS] query [EOS] [SEP] document [EOS or SEP] — in a BERT vocabulary
// (BOS = [CLS], no EOS) "[CLS] query [SEP] document [SEP]".
//
// Thread-safety: thread-safe (reads the model only).
#ifndef HEARTH_MODELS_RERANK_PROMPT_H_
#define HEARTH_MODELS_RERANK_PROMPT_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "llama.h"

namespace hearth {

// The tokens for scoring `document` against `query` with `model`.
// InvalidArgument if either text cannot be tokenized.
[[nodiscard]] StatusOr<std::vector<llama_token>> RerankTokens(const llama_model* model,
                                                              const std::string& query,
                                                              const std::string& document);

}  // namespace hearth

#endif  // HEARTH_MODELS_RERANK_PROMPT_H_
