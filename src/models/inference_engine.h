// InferenceEngine: a GGUF model loaded into llama.cpp in this process, serving
// the InferenceBackend interface (models/inference.h). It runs inside each
// `hearth runner` child (models/runner_server.h); tests use it directly.
//
// One inference thread owns the llama_context and batches the work of every
// active request into each llama_decode call:
//   - generation: `slots` sequences. Each decode carries one token for every
//     generating slot plus prompt chunks of slots still prefilling (chunked
//     prefill, at most batch_size tokens per decode), so a long prompt never
//     stalls the others' token streams (continuous batching);
//   - prefix reuse: each slot keeps the tokens in its KV cache. A request is
//     given the free slot whose cached tokens share the longest prefix with
//     its prompt; only the rest is prefilled (GenerateResult::
//     cached_prompt_tokens reports how many were reused);
//   - embedding / rerank: many inputs are packed into one decode, one
//     sequence per input, pooled as the model says (mean, CLS, last, rank).
// Callers' threads block in Generate/Embed/Rerank while the inference thread
// works; pieces are delivered to the callback on the caller's thread.
//
// Thread-safety: thread-safe.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<InferenceEngine> engine,
//                    InferenceEngine::Open({.model_path = path, .context_length = 2048}));
//   ASSIGN_OR_RETURN(GenerateResult result,
//                    engine->Generate({.prompt = "Once upon a time"}, print_piece, {}));
#ifndef HEARTH_MODELS_INFERENCE_ENGINE_H_
#define HEARTH_MODELS_INFERENCE_ENGINE_H_

#include <memory>

#include "base/status.h"
#include "models/inference.h"
#include "models/model_load_options.h"

namespace hearth {

class InferenceEngine : public InferenceBackend {
 public:
  // Loads the model and creates its context. Errors: NotFound for a missing
  // file, InvalidArgument for options out of range (context below 16 or above
  // what the KV cache can address, slots < 1), ResourceExhausted when
  // llama.cpp cannot allocate the context, Internal when it fails to load.
  static StatusOr<std::unique_ptr<InferenceEngine>> Open(const ModelLoadOptions& options);

  // Stops the inference thread (pending requests end with Cancelled) and
  // frees the model.
  ~InferenceEngine() override = default;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_INFERENCE_ENGINE_H_
