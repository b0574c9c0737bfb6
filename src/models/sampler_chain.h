// The llama.cpp sampler chain that picks each generated token, built from a
// request's SamplingOptions and grammar.
//
// The chain, in order:
//   grammar     (when given) masks tokens the GBNF grammar does not allow;
//   temperature 0: greedy — the most likely allowed token; nothing else is
//               applied, so the result is deterministic;
//   otherwise:  penalties (repeat / frequency / presence over the last
//               repeat_last_n tokens; skipped when all are neutral), top_k,
//               top_p, min_p (each skipped when off), temperature, then a
//               draw seeded with `seed` (0xFFFFFFFF: a random seed).
//
// Thread-safety: the functions are thread-safe (the vocabulary is only
// read); the returned sampler is externally synchronized.
//
// Example:
//   ASSIGN_OR_RETURN(llama_sampler_ptr sampler,
//                    BuildSamplerChain(vocab, request.sampling, request.grammar, 2048));
//   llama_token next = llama_sampler_sample(sampler.get(), context, index);
#ifndef HEARTH_MODELS_SAMPLER_CHAIN_H_
#define HEARTH_MODELS_SAMPLER_CHAIN_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "llama-cpp.h"
#include "models/inference.h"

namespace hearth {

// OK when every field of `options` is in range; otherwise InvalidArgument
// naming the field and the accepted range: temperature >= 0, top_p in
// (0, 1], min_p in [0, 1], repeat_penalty > 0, repeat_last_n >= -1,
// finite presence and frequency penalties.
[[nodiscard]] Status ValidateSamplingOptions(const SamplingOptions& options);

// Builds the chain described above for `vocab` (borrowed; must outlive the
// sampler). repeat_last_n = -1 means `context_length` tokens.
// Errors: those of ValidateSamplingOptions; InvalidArgument when `grammar`
// does not parse as GBNF with a `root` rule.
[[nodiscard]] StatusOr<llama_sampler_ptr> BuildSamplerChain(const llama_vocab* vocab,
                                                            const SamplingOptions& options,
                                                            const std::string& grammar,
                                                            int32_t context_length);

}  // namespace hearth

#endif  // HEARTH_MODELS_SAMPLER_CHAIN_H_
