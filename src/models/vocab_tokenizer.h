// VocabTokenizer: a TokenCounter (models/token_counter.h) over the vocabulary
// of a GGUF model, loaded by llama.cpp with `vocab_only` (the tokenizer
// tables, no weights: a few MB and milliseconds, even for a large model).
// The chunker uses it to size chunks in the embedder's own tokens.
//
// Thread-safety: thread-safe. llama.cpp's tokenizer is a const operation on
// a vocabulary that is read-only once loaded (each call keeps its own
// session state), so concurrent CountTokens calls need no lock.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<VocabTokenizer> tokenizer,
//                    VocabTokenizer::Open(model_path));
//   const std::array<std::string_view, 1> texts = {"Hello world"};
//   ASSIGN_OR_RETURN(std::vector<int32_t> counts, tokenizer->CountTokens(texts));
#ifndef HEARTH_MODELS_VOCAB_TOKENIZER_H_
#define HEARTH_MODELS_VOCAB_TOKENIZER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "models/token_counter.h"

struct llama_model;

namespace hearth {

class VocabTokenizer final : public TokenCounter {
 public:
  // Loads the vocabulary of the GGUF model at `path`. The file passes
  // hearth's GGUF pre-validation (models/gguf_file.h) before llama.cpp reads
  // it. Errors: NotFound when `path` is not a file; InvalidArgument or
  // FailedPrecondition (from ReadGgufFile) when it is not a usable GGUF file;
  // InvalidArgument when llama.cpp cannot load a vocabulary from it.
  static StatusOr<std::unique_ptr<VocabTokenizer>> Open(const std::filesystem::path& path);

  ~VocabTokenizer() override;
  VocabTokenizer(const VocabTokenizer&) = delete;
  VocabTokenizer& operator=(const VocabTokenizer&) = delete;

  // Token counts without special tokens (see TokenCounter). Errors:
  // InvalidArgument for a text over 1 GiB or one llama.cpp cannot tokenize.
  StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) override;

 private:
  struct ModelDeleter {
    void operator()(llama_model* model) const;
  };
  explicit VocabTokenizer(std::unique_ptr<llama_model, ModelDeleter> model);

  const std::unique_ptr<llama_model, ModelDeleter> model_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_VOCAB_TOKENIZER_H_
