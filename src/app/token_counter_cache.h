// TokenCounterCache: one token counter per embedder, opened on first use and
// kept: the embedder's own vocabulary (models/vocab_tokenizer.h, vocab only,
// a few MB) for a local model; for a remote embedder, whose tokenizer hearth
// does not have, an estimate of one token per four bytes (stated in the
// chunker's output as the count it used).
//
// Thread-safety: thread-safe; the counters it hands out are thread-safe.
#ifndef HEARTH_APP_TOKEN_COUNTER_CACHE_H_
#define HEARTH_APP_TOKEN_COUNTER_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "models/model_store.h"
#include "models/token_counter.h"

namespace hearth {

class TokenCounterCache {
 public:
  // The counter for `model`. Errors: those of VocabTokenizer::Open.
  StatusOr<TokenCounter*> For(const ResolvedModel& model);

 private:
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<TokenCounter>> counters_ GUARDED_BY(mu_);
};

// The identity of an embedder's vectors: the model file's digest
// ("sha256-<hex>") for a local model, "remote:<name>" for a remote one. Two
// names for the same weights share vectors; new weights under an old name do
// not.
std::string EmbedderId(const ResolvedModel& model);

}  // namespace hearth

#endif  // HEARTH_APP_TOKEN_COUNTER_CACHE_H_
