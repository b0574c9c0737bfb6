// The inference interface: what a loaded model does for hearth, whether it
// runs in this process (InferenceEngine, models/inference_engine.h) or in a
// `hearth runner` child reached over a Unix socket (RunnerClient,
// models/runner_client.h). The scheduler hands out one of these; rag/ and
// server/ see only this header.
//
// Every method is a complete request: it returns when the work is done,
// failed, or was cancelled. Generation streams its pieces through a callback
// on the calling thread.
//
// Errors (all implementations):
//   InvalidArgument     a bad request: empty input, unknown sampling value, a
//                       grammar that does not parse, a prompt longer than the
//                       context (never truncated silently: the message names
//                       both numbers), embed on a model without embeddings
//   Cancelled           the stop token fired or the callback returned false
//   ResourceExhausted   every slot is busy and the queue is full
//   Unavailable         the runner process died or its socket closed; the
//                       message says so ("runner for 'x' exited (killed by
//                       signal 9) during the request"); the next request may
//                       start a new runner
//   Internal            llama.cpp failed (decode error, ...)
//
// Thread-safety: implementations are thread-safe; many requests may run at
// once (each generation holds one slot; see InferenceStats::slots).
#ifndef HEARTH_MODELS_INFERENCE_H_
#define HEARTH_MODELS_INFERENCE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/status.h"

namespace hearth {

// How the next token is chosen. Defaults are Ollama's.
struct SamplingOptions {
  float temperature = 0.8f;  // 0 = greedy (argmax), deterministic
  int32_t top_k = 40;        // <= 0: off
  float top_p = 0.9f;        // 1: off
  float min_p = 0.0f;        // 0: off
  float repeat_penalty = 1.1f;
  int32_t repeat_last_n = 64;
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  uint32_t seed = 0xFFFFFFFF;  // 0xFFFFFFFF: random
};

struct GenerateRequest {
  // The full prompt text, already formatted with the chat template (or raw).
  std::string prompt;
  // Add the model's BOS token when it wants one (true for a formatted chat
  // prompt that does not already start with it).
  bool add_special = true;
  SamplingOptions sampling;
  // Tokens to generate at most; < 0 = until the context is full.
  int32_t max_tokens = -1;
  // Generation stops before any of these strings appears in the output; the
  // stop string itself is not returned.
  std::vector<std::string> stop;
  // A GBNF grammar the output must follow ("" = none). JSON schemas are
  // converted to GBNF by the caller (server/).
  std::string grammar;
  // Keep generating past the end-of-generation token (benchmarks).
  bool ignore_eos = false;
};

// Why generation ended (Ollama's done_reason).
enum class FinishReason { kStop, kLength, kCancelled };

// One piece of streamed output: text that is valid UTF-8 on its own (a
// multi-byte character split across tokens is held back until complete).
struct GeneratePiece {
  std::string text;
  int32_t token_count = 0;  // tokens this piece covers
};

// Return false to stop generation (the request then ends with Cancelled).
using PieceCallback = std::function<bool(const GeneratePiece&)>;

struct GenerateResult {
  std::string text;  // everything streamed, concatenated
  FinishReason finish_reason = FinishReason::kStop;
  int32_t prompt_tokens = 0;         // tokens in the prompt
  int32_t cached_prompt_tokens = 0;  // of those, reused from the slot's cache (not prefilled)
  int32_t generated_tokens = 0;
  std::chrono::nanoseconds queue_duration{0};    // waiting for a slot
  std::chrono::nanoseconds prefill_duration{0};  // prompt evaluation
  std::chrono::nanoseconds decode_duration{0};   // generation
};

struct EmbedRequest {
  std::vector<std::string> inputs;
  // L2-normalize each vector (Ollama's /api/embed does; OpenAI's too).
  bool normalize = true;
  // Ollama's `truncate`: cut an input longer than the model takes at once
  // (`truncated` says which were cut); with false, refuse it
  // (InvalidArgument naming the input and both lengths).
  bool truncate = true;
};

struct EmbedResult {
  std::vector<std::vector<float>> embeddings;  // one per input, in order
  int32_t prompt_tokens = 0;                   // over all inputs
  std::vector<bool> truncated;                 // one per input
  std::chrono::nanoseconds duration{0};
};

struct RerankRequest {
  std::string query;
  std::vector<std::string> documents;
};

struct RerankResult {
  std::vector<float> scores;  // one per document, in order; higher = more relevant
  int32_t prompt_tokens = 0;
  std::chrono::nanoseconds duration{0};
};

// What the model is and what it holds.
struct InferenceStats {
  int32_t context_length = 0;     // tokens per slot
  int32_t slots = 0;              // concurrent generations
  int32_t training_context = 0;   // n_ctx_train
  int32_t embedding_length = 0;   // n_embd of the output (embedders)
  bool has_encoder_only = false;  // BERT-like: embed/rerank only
  bool is_reranker = false;       // pooling type "rank"
  uint64_t resident_bytes = 0;    // measured: the runner's RSS (0 when unknown)
  uint64_t model_bytes = 0;       // weights as llama.cpp reports them
  uint64_t kv_cache_bytes = 0;
  int32_t active_requests = 0;
  int32_t max_parallel_tokens_per_decode = 0;  // n_batch
};

// A loaded model. See the file comment for errors and threading.
class InferenceBackend {
 public:
  virtual ~InferenceBackend() = default;

  virtual StatusOr<GenerateResult> Generate(const GenerateRequest& request,
                                            const PieceCallback& on_piece,
                                            std::stop_token stop) = 0;
  virtual StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token stop) = 0;
  virtual StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token stop) = 0;
  virtual StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) = 0;
  virtual StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) = 0;
  virtual StatusOr<InferenceStats> Stats() = 0;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_INFERENCE_H_
