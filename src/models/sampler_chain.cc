#include "models/sampler_chain.h"

#include <cmath>
#include <string>

#include "base/status_macros.h"

namespace hearth {
namespace {

Status OutOfRange(const char* field, float value, const char* range) {
  return InvalidArgumentError(std::string("sampling option ") + field + " = " +
                              std::to_string(value) + " is out of range; use " + range);
}

bool PenaltiesActive(const SamplingOptions& options) {
  return options.repeat_last_n != 0 &&
         (options.repeat_penalty != 1.0f || options.frequency_penalty != 0.0f ||
          options.presence_penalty != 0.0f);
}

void AddPenalties(llama_sampler* chain, const llama_vocab* vocab, const SamplingOptions& options,
                  int32_t context_length) {
  if (!PenaltiesActive(options)) return;
  const int32_t last_n = options.repeat_last_n < 0 ? context_length : options.repeat_last_n;
  llama_sampler_chain_add(chain, llama_sampler_init_penalties(
                                     llama_vocab_n_tokens(vocab), last_n, options.repeat_penalty,
                                     options.frequency_penalty, options.presence_penalty));
}

void AddRandomSampling(llama_sampler* chain, const llama_vocab* vocab,
                       const SamplingOptions& options, int32_t context_length) {
  AddPenalties(chain, vocab, options, context_length);
  if (options.top_k > 0) llama_sampler_chain_add(chain, llama_sampler_init_top_k(options.top_k));
  if (options.top_p < 1.0f) {
    llama_sampler_chain_add(chain, llama_sampler_init_top_p(options.top_p, 1));
  }
  if (options.min_p > 0.0f) {
    llama_sampler_chain_add(chain, llama_sampler_init_min_p(options.min_p, 1));
  }
  llama_sampler_chain_add(chain, llama_sampler_init_temp(options.temperature));
  llama_sampler_chain_add(chain, llama_sampler_init_dist(options.seed));
}

}  // namespace

Status ValidateSamplingOptions(const SamplingOptions& options) {
  if (!(options.temperature >= 0.0f) || !std::isfinite(options.temperature)) {
    return OutOfRange("temperature", options.temperature, "a value >= 0 (0 = greedy)");
  }
  if (!(options.top_p > 0.0f && options.top_p <= 1.0f)) {
    return OutOfRange("top_p", options.top_p, "a value in (0, 1] (1 = off)");
  }
  if (!(options.min_p >= 0.0f && options.min_p <= 1.0f)) {
    return OutOfRange("min_p", options.min_p, "a value in [0, 1] (0 = off)");
  }
  if (!(options.repeat_penalty > 0.0f) || !std::isfinite(options.repeat_penalty)) {
    return OutOfRange("repeat_penalty", options.repeat_penalty, "a value > 0 (1 = off)");
  }
  if (options.repeat_last_n < -1) {
    return OutOfRange("repeat_last_n", static_cast<float>(options.repeat_last_n),
                      "-1 (the whole context), 0 (off) or a positive count");
  }
  if (!std::isfinite(options.presence_penalty)) {
    return OutOfRange("presence_penalty", options.presence_penalty, "a finite value");
  }
  if (!std::isfinite(options.frequency_penalty)) {
    return OutOfRange("frequency_penalty", options.frequency_penalty, "a finite value");
  }
  return OkStatus();
}

StatusOr<llama_sampler_ptr> BuildSamplerChain(const llama_vocab* vocab,
                                              const SamplingOptions& options,
                                              const std::string& grammar,
                                              int32_t context_length) {
  RETURN_IF_ERROR(ValidateSamplingOptions(options));
  llama_sampler_chain_params params = llama_sampler_chain_default_params();
  params.no_perf = true;
  llama_sampler_ptr chain(llama_sampler_chain_init(params));
  if (!grammar.empty()) {
    llama_sampler* constraint = llama_sampler_init_grammar(vocab, grammar.c_str(), "root");
    if (constraint == nullptr) {
      return InvalidArgumentError(
          "the grammar does not parse as GBNF with a 'root' rule (see llama.cpp's "
          "grammars/README.md); first line: " + grammar.substr(0, grammar.find('\n')));
    }
    llama_sampler_chain_add(chain.get(), constraint);
  }
  if (options.temperature == 0.0f) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
  } else {
    AddRandomSampling(chain.get(), vocab, options, context_length);
  }
  return chain;
}

}  // namespace hearth
