#include "app/token_counter_cache.h"

#include "models/vocab_tokenizer.h"

namespace hearth {
namespace {

// One token per four bytes, rounded up: the usual estimate for English text
// under BPE vocabularies, used only when the real tokenizer is out of reach.
class EstimatingTokenCounter final : public TokenCounter {
 public:
  StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) override {
    std::vector<int32_t> counts;
    counts.reserve(texts.size());
    for (std::string_view text : texts) counts.push_back(static_cast<int32_t>((text.size() + 3) / 4));
    return counts;
  }
};

}  // namespace

std::string EmbedderId(const ResolvedModel& model) {
  if (model.model_digest) return model.model_digest->FileName();
  return "remote:" + model.entry.name.DisplayName();
}

StatusOr<TokenCounter*> TokenCounterCache::For(const ResolvedModel& model) {
  const std::string key = EmbedderId(model);
  std::lock_guard lock(mu_);
  auto it = counters_.find(key);
  if (it != counters_.end()) return it->second.get();
  std::unique_ptr<TokenCounter> counter;
  if (model.remote) {
    counter = std::make_unique<EstimatingTokenCounter>();
  } else {
    StatusOr<std::unique_ptr<VocabTokenizer>> opened = VocabTokenizer::Open(model.model_path);
    if (!opened.ok()) return opened.status();
    counter = std::move(*opened);
  }
  TokenCounter* raw = counter.get();
  counters_.emplace(key, std::move(counter));
  return raw;
}

}  // namespace hearth
