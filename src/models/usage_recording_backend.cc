#include "models/usage_recording_backend.h"

namespace hearth {
namespace {

class UsageRecordingBackend : public InferenceBackend {
 public:
  UsageRecordingBackend(std::unique_ptr<InferenceBackend> inner, std::string model, UsageSink sink)
      : inner_(std::move(inner)), model_(std::move(model)), sink_(std::move(sink)) {}

  StatusOr<GenerateResult> Generate(const GenerateRequest& request, const PieceCallback& on_piece,
                                    std::stop_token stop) override {
    // Pieces are counted as they pass, so that a generation that ends in an
    // error (a client that went away) still counts the tokens it made.
    int64_t streamed_tokens = 0;
    auto counting = [&on_piece, &streamed_tokens](const GeneratePiece& piece) {
      streamed_tokens += piece.token_count;
      return on_piece(piece);
    };
    StatusOr<GenerateResult> result = inner_->Generate(request, counting, stop);
    if (result.ok()) {
      sink_({.model = model_, .kind = "generate", .prompt_tokens = result->prompt_tokens,
             .generated_tokens = result->generated_tokens, .prefill = result->prefill_duration,
             .decode = result->decode_duration});
    } else if (streamed_tokens > 0) {
      sink_({.model = model_, .kind = "generate", .generated_tokens = streamed_tokens});
    }
    return result;
  }
  StatusOr<EmbedResult> Embed(const EmbedRequest& request, std::stop_token stop) override {
    StatusOr<EmbedResult> result = inner_->Embed(request, stop);
    if (result.ok()) {
      sink_({.model = model_, .kind = "embed", .prompt_tokens = result->prompt_tokens,
             .prefill = result->duration});
    }
    return result;
  }
  StatusOr<RerankResult> Rerank(const RerankRequest& request, std::stop_token stop) override {
    StatusOr<RerankResult> result = inner_->Rerank(request, stop);
    if (result.ok()) {
      sink_({.model = model_, .kind = "rerank", .prompt_tokens = result->prompt_tokens,
             .prefill = result->duration});
    }
    return result;
  }
  StatusOr<std::vector<int32_t>> Tokenize(const std::string& text, bool add_special) override {
    return inner_->Tokenize(text, add_special);
  }
  StatusOr<std::string> Detokenize(const std::vector<int32_t>& tokens) override {
    return inner_->Detokenize(tokens);
  }
  StatusOr<InferenceStats> Stats() override { return inner_->Stats(); }

 private:
  const std::unique_ptr<InferenceBackend> inner_;
  const std::string model_;
  const UsageSink sink_;
};

}  // namespace

std::unique_ptr<InferenceBackend> RecordUsage(std::unique_ptr<InferenceBackend> inner,
                                              std::string model, UsageSink sink) {
  return std::make_unique<UsageRecordingBackend>(std::move(inner), std::move(model),
                                                 std::move(sink));
}

}  // namespace hearth
