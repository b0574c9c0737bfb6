// EngineModel: a GGUF model loaded into llama.cpp with the one context the
// inference engine runs on, and what the engine needs to know about it.
//
// What kind of model it is decides how the context is made:
//   kGenerator  a decoder: `slots` sequences of context_length tokens each,
//               one KV stream per sequence (kv_unified off), so a slot can
//               never take another's room;
//   kEmbedder   pooling in the GGUF metadata (mean / CLS / last; BERT-family
//               files without it get mean): embeddings on, up to
//               max_sequences() inputs packed per decode;
//   kReranker   pooling "rank" (a cross-encoder): as an embedder, with one
//               score per sequence.
//
// The context computes on a threadpool of its own that lives as long as it
// (as llama-server's does): without one, ggml starts and joins its worker
// threads on every decode, which a busy machine makes late for each token.
//
// Thread-safety: the accessors are thread-safe. vocab() may be used from any
// thread; context() belongs to the inference thread (engine_loop.h).
#ifndef HEARTH_MODELS_ENGINE_MODEL_H_
#define HEARTH_MODELS_ENGINE_MODEL_H_

#include <cstdint>
#include <memory>

#include "base/status.h"
#include "ggml-cpu.h"
#include "llama-cpp.h"
#include "models/model_load_options.h"

namespace hearth {

enum class ModelRole { kGenerator, kEmbedder, kReranker };

// Inputs packed into one decode by an embedder (its n_seq_max), unless
// batch_size is smaller.
inline constexpr int32_t kMaxEmbedSequences = 64;

class EngineModel {
 public:
  // Loads `options.model_path` and creates its context. Errors: NotFound for
  // a missing file; InvalidArgument for options out of range (context_length
  // below 16, slots outside 1..256, batch_size < 1 or below slots, threads < 0, a KV cache
  // of more than 2^31 tokens); Internal when llama.cpp cannot load the file;
  // ResourceExhausted when it cannot allocate the context.
  static StatusOr<std::unique_ptr<EngineModel>> Load(const ModelLoadOptions& options);

  EngineModel(const EngineModel&) = delete;
  EngineModel& operator=(const EngineModel&) = delete;

  llama_model* model() const { return model_.get(); }
  llama_context* context() const { return context_.get(); }
  const llama_vocab* vocab() const { return llama_model_get_vocab(model_.get()); }
  const ModelLoadOptions& options() const { return options_; }
  ModelRole role() const { return role_; }

  // Tokens per generation slot (ModelLoadOptions::context_length).
  int32_t context_length() const { return options_.context_length; }
  // Concurrent generations: `slots` for a generator, 0 otherwise.
  int32_t slots() const { return role_ == ModelRole::kGenerator ? options_.slots : 0; }
  // Sequences one decode may carry (the context's n_seq_max).
  int32_t max_sequences() const;
  // The longest input an embedder or reranker takes: one decode's worth,
  // within the context and the model's trained positions.
  int32_t max_input_tokens() const;
  // True when the model keeps no KV cache (BERT-like encoders).
  bool encoder_only() const { return llama_get_memory(context_.get()) == nullptr; }

 private:
  struct ThreadpoolDeleter {
    void operator()(ggml_threadpool* pool) const { ggml_threadpool_free(pool); }
  };
  using ThreadpoolPtr = std::unique_ptr<ggml_threadpool, ThreadpoolDeleter>;

  EngineModel(ModelLoadOptions options, ModelRole role, llama_model_ptr model,
              ThreadpoolPtr threadpool, llama_context_ptr context);

  ModelLoadOptions options_;
  ModelRole role_;
  llama_model_ptr model_;
  ThreadpoolPtr threadpool_;   // outlives context_, which computes on it
  llama_context_ptr context_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_ENGINE_MODEL_H_
