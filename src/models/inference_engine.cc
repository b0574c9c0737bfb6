#include "models/inference_engine.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "models/embedding_batcher.h"
#include "models/engine_loop.h"
#include "models/engine_model.h"
#include "models/generation_job.h"
#include "models/memory_stats.h"
#include "models/prompt_memo.h"
#include "models/rerank_prompt.h"
#include "models/sampler_chain.h"
#include "models/token_text.h"

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;
using TokenLists = std::vector<std::vector<llama_token>>;

std::string Count(size_t n) { return std::to_string(n); }

// The engine behind InferenceEngine::Open (leveldb's DB / DBImpl split).
class LlamaEngine final : public InferenceEngine {
 public:
  explicit LlamaEngine(std::unique_ptr<EngineModel> model)
      : model_(std::move(model)),
        loop_(std::make_unique<EngineLoop>(*model_)),
        memo_(static_cast<size_t>(std::max(model_->slots(), 1)) * 4) {}
  ~LlamaEngine() override { loop_.reset(); }  // stop the thread before the model goes

  StatusOr<GenerateResult> Generate(const GenerateRequest& request, const PieceCallback& on_piece,
                                    std::stop_token stop) override;
  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token stop) override;
  StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token stop) override;
  StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) override;
  StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) override;
  StatusOr<InferenceStats> Stats() override;

 private:
  StatusOr<GenerationInput> PrepareGeneration(const GenerateRequest& request);
  // The prompt's tokens: a remembered prefix's (prompt_memo.h) and the rest
  // tokenized, or the whole text tokenized.
  StatusOr<std::vector<llama_token>> PromptTokens(const GenerateRequest& request);
  void Remember(const GenerateRequest& request, std::vector<llama_token> prompt,
                const std::vector<llama_token>& generated);
  StatusOr<TokenLists> EmbedInputs(const EmbedRequest& request, std::vector<bool>& truncated) const;
  StatusOr<TokenLists> RerankInputs(const RerankRequest& request) const;
  // Pools `inputs` on the inference thread.
  StatusOr<std::vector<std::vector<float>>> RunPooled(const TokenLists& inputs,
                                                      std::stop_token stop);
  Status RequireRole(ModelRole role, const char* what) const;

  std::unique_ptr<EngineModel> model_;
  std::unique_ptr<EngineLoop> loop_;
  PromptMemo memo_;
};

Status LlamaEngine::RequireRole(ModelRole role, const char* what) const {
  if (model_->role() == role) return OkStatus();
  const char* kind = model_->role() == ModelRole::kGenerator  ? "a text generation model"
                     : model_->role() == ModelRole::kEmbedder ? "an embedding model"
                                                              : "a reranking model";
  return InvalidArgumentError(model_->options().model_path.filename().string() + " is " + kind +
                              "; it cannot " + what);
}

StatusOr<std::vector<llama_token>> LlamaEngine::PromptTokens(const GenerateRequest& request) {
  std::optional<PromptMemo::Prefix> prefix = memo_.Longest(request.prompt, request.add_special);
  if (prefix.has_value()) {
    std::optional<std::vector<llama_token>> rest = TokenizeContinuation(
        model_->vocab(), std::string_view(request.prompt).substr(prefix->bytes));
    if (rest.has_value()) {
      prefix->tokens.insert(prefix->tokens.end(), rest->begin(), rest->end());
      return std::move(prefix->tokens);
    }
  }
  return TokenizeText(model_->vocab(), request.prompt, request.add_special,
                      /*parse_special=*/true);
}

void LlamaEngine::Remember(const GenerateRequest& request, std::vector<llama_token> prompt,
                           const std::vector<llama_token>& generated) {
  std::vector<std::string> pieces;
  pieces.reserve(generated.size());
  for (llama_token token : generated) pieces.push_back(TokenPiece(model_->vocab(), token));
  memo_.Remember(request.prompt, request.add_special, std::move(prompt), generated, pieces);
}

StatusOr<GenerationInput> LlamaEngine::PrepareGeneration(const GenerateRequest& request) {
  RETURN_IF_ERROR(RequireRole(ModelRole::kGenerator, "generate text"));
  GenerationInput input;
  ASSIGN_OR_RETURN(input.prompt, PromptTokens(request));
  if (input.prompt.empty()) return InvalidArgumentError("the prompt is empty");
  const auto context = static_cast<size_t>(model_->context_length());
  // A prompt must leave room for at least one generated token (the server
  // checks the same before it starts a stream: server/chat_preparation.h).
  if (input.prompt.size() >= context) {
    return InvalidArgumentError("the prompt is " + Count(input.prompt.size()) +
                                " tokens, too long for the context of " + Count(context) +
                                " tokens (it must leave room for the reply): shorten it or ask for "
                                "more context (options.num_ctx, or the model's num_ctx parameter)");
  }
  ASSIGN_OR_RETURN(input.sampler, BuildSamplerChain(model_->vocab(), request.sampling,
                                                    request.grammar, model_->context_length()));
  input.stop = request.stop;
  input.max_tokens = request.max_tokens;
  input.ignore_eos = request.ignore_eos;
  return input;
}

StatusOr<GenerateResult> LlamaEngine::Generate(const GenerateRequest& request,
                                               const PieceCallback& on_piece,
                                               std::stop_token stop) {
  ASSIGN_OR_RETURN(GenerationInput input, PrepareGeneration(request));
  std::vector<llama_token> prompt = input.prompt;
  auto job = std::make_shared<GenerationJob>(std::move(input));
  RETURN_IF_ERROR(loop_->Submit(job));
  StatusOr<GenerateResult> result = job->Await(on_piece, stop);
  if (result.ok()) Remember(request, std::move(prompt), job->generated());
  return result;
}

StatusOr<TokenLists> LlamaEngine::EmbedInputs(const EmbedRequest& request,
                                              std::vector<bool>& truncated) const {
  if (request.inputs.empty()) return InvalidArgumentError("there is no input to embed");
  const auto limit = static_cast<size_t>(model_->max_input_tokens());
  TokenLists inputs;
  for (size_t i = 0; i < request.inputs.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<llama_token> tokens,
                     TokenizeText(model_->vocab(), request.inputs[i], true, false));
    if (tokens.empty()) return InvalidArgumentError("input " + Count(i) + " is empty");
    truncated.push_back(tokens.size() > limit);
    if (tokens.size() > limit && !request.truncate) {
      return InvalidArgumentError("input " + Count(i) + " is " + Count(tokens.size()) +
                                  " tokens, longer than the " + Count(limit) +
                                  " this model embeds at once; shorten it or allow truncation");
    }
    tokens.resize(std::min(tokens.size(), limit));
    inputs.push_back(std::move(tokens));
  }
  return inputs;
}

StatusOr<std::vector<std::vector<float>>> LlamaEngine::RunPooled(const TokenLists& inputs,
                                                                 std::stop_token stop) {
  const int32_t size = model_->role() == ModelRole::kReranker
                           ? static_cast<int32_t>(llama_model_n_cls_out(model_->model()))
                           : llama_model_n_embd_out(model_->model());
  std::vector<std::vector<float>> outputs;
  RETURN_IF_ERROR(loop_->RunTask([&]() -> Status {
    EmbeddingBatcher batcher(model_->context(), model_->options().batch_size,
                             model_->max_sequences(), size);
    ASSIGN_OR_RETURN(outputs, batcher.Run(inputs, stop));
    return OkStatus();
  }));
  return outputs;
}

StatusOr<EmbedResult> LlamaEngine::Embed(const EmbedRequest& request, std::stop_token stop) {
  RETURN_IF_ERROR(RequireRole(ModelRole::kEmbedder, "compute embeddings"));
  const Clock::time_point start = Clock::now();
  EmbedResult result;
  ASSIGN_OR_RETURN(TokenLists inputs, EmbedInputs(request, result.truncated));
  ASSIGN_OR_RETURN(result.embeddings, RunPooled(inputs, stop));
  for (const auto& tokens : inputs) result.prompt_tokens += static_cast<int32_t>(tokens.size());
  if (request.normalize) {
    for (std::vector<float>& vector : result.embeddings) NormalizeL2(vector);
  }
  result.duration = Clock::now() - start;
  return result;
}

StatusOr<TokenLists> LlamaEngine::RerankInputs(const RerankRequest& request) const {
  if (request.query.empty()) return InvalidArgumentError("the rerank query is empty");
  if (request.documents.empty()) return InvalidArgumentError("there are no documents to rerank");
  const auto limit = static_cast<size_t>(model_->max_input_tokens());
  TokenLists inputs;
  for (size_t i = 0; i < request.documents.size(); ++i) {
    ASSIGN_OR_RETURN(std::vector<llama_token> tokens,
                     RerankTokens(model_->model(), request.query, request.documents[i]));
    if (tokens.size() > limit) {
      return InvalidArgumentError("query and document " + Count(i) + " are " +
                                  Count(tokens.size()) + " tokens, longer than the " +
                                  Count(limit) + " this model reads at once; shorten them");
    }
    inputs.push_back(std::move(tokens));
  }
  return inputs;
}

StatusOr<RerankResult> LlamaEngine::Rerank(const RerankRequest& request, std::stop_token stop) {
  RETURN_IF_ERROR(RequireRole(ModelRole::kReranker, "rerank documents"));
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(TokenLists inputs, RerankInputs(request));
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> outputs, RunPooled(inputs, stop));
  RerankResult result;
  for (const auto& output : outputs) result.scores.push_back(output.empty() ? 0.0f : output[0]);
  for (const auto& tokens : inputs) result.prompt_tokens += static_cast<int32_t>(tokens.size());
  result.duration = Clock::now() - start;
  return result;
}

StatusOr<std::vector<int32_t>> LlamaEngine::Tokenize(const std::string& text, bool add_special) {
  return TokenizeText(model_->vocab(), text, add_special, /*parse_special=*/true);
}

StatusOr<std::string> LlamaEngine::Detokenize(const std::vector<int32_t>& tokens) {
  return DetokenizeText(model_->vocab(), tokens);
}

StatusOr<InferenceStats> LlamaEngine::Stats() {
  const llama_model* model = model_->model();
  InferenceStats stats;
  stats.context_length = model_->context_length();
  stats.slots = model_->slots();
  stats.training_context = llama_model_n_ctx_train(model);
  stats.embedding_length = llama_model_n_embd_out(model);
  stats.has_encoder_only = model_->encoder_only();
  stats.is_reranker = model_->role() == ModelRole::kReranker;
  stats.resident_bytes = ResidentBytes();
  stats.model_bytes = llama_model_size(model);
  stats.kv_cache_bytes =
      KvCacheBytes(model, model_->context(), model_->options().kv_cache_type);
  stats.active_requests = loop_->active_requests();
  stats.max_parallel_tokens_per_decode = model_->options().batch_size;
  return stats;
}

}  // namespace

StatusOr<std::unique_ptr<InferenceEngine>> InferenceEngine::Open(const ModelLoadOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<EngineModel> model, EngineModel::Load(options));
  return std::unique_ptr<InferenceEngine>(std::make_unique<LlamaEngine>(std::move(model)));
}

}  // namespace hearth
