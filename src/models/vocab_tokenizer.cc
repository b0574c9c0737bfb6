#include "models/vocab_tokenizer.h"

#include <limits>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "llama.h"
#include "models/gguf_file.h"
#include "models/llama_backend.h"

namespace hearth {
namespace {

constexpr size_t kMaxTextBytes = size_t{1} << 30;

// Tokenizes into a zero-sized buffer: llama.cpp then answers with minus the
// number of tokens it needs (the first half of its resize protocol), which is
// the count, without copying the tokens anywhere.
StatusOr<int32_t> CountOne(const llama_vocab* vocab, std::string_view text) {
  if (text.empty()) return 0;
  if (text.size() > kMaxTextBytes) {
    return InvalidArgumentError("text of " + std::to_string(text.size()) +
                                " bytes is too long to count its tokens (the limit is 1 GiB)");
  }
  const int32_t n = llama_tokenize(vocab, text.data(), static_cast<int32_t>(text.size()), nullptr,
                                   0, /*add_special=*/false, /*parse_special=*/false);
  if (n == std::numeric_limits<int32_t>::min()) {
    return InvalidArgumentError("llama.cpp could not tokenize a text of " +
                                std::to_string(text.size()) + " bytes");
  }
  return n < 0 ? -n : n;
}

}  // namespace

void VocabTokenizer::ModelDeleter::operator()(llama_model* model) const { llama_model_free(model); }

StatusOr<std::unique_ptr<VocabTokenizer>> VocabTokenizer::Open(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return NotFoundError("model file " + path.string() + " does not exist");
  }
  RETURN_IF_ERROR(ReadGgufFile(path).status());
  InitLlamaBackend();
  llama_model_params params = llama_model_default_params();
  params.vocab_only = true;
  std::unique_ptr<llama_model, ModelDeleter> model(
      llama_model_load_from_file(path.c_str(), params));
  if (model == nullptr) {
    return InvalidArgumentError("llama.cpp could not load the vocabulary of " + path.string() +
                                " (its log says why)");
  }
  return std::unique_ptr<VocabTokenizer>(new VocabTokenizer(std::move(model)));
}

VocabTokenizer::VocabTokenizer(std::unique_ptr<llama_model, ModelDeleter> model)
    : model_(std::move(model)) {}

VocabTokenizer::~VocabTokenizer() = default;

StatusOr<std::vector<int32_t>> VocabTokenizer::CountTokens(
    std::span<const std::string_view> texts) {
  const llama_vocab* vocab = llama_model_get_vocab(model_.get());
  std::vector<int32_t> counts;
  counts.reserve(texts.size());
  for (std::string_view text : texts) {
    ASSIGN_OR_RETURN(const int32_t count, CountOne(vocab, text));
    counts.push_back(count);
  }
  return counts;
}

}  // namespace hearth
