#include "bench/bench_runner.h"

#include <chrono>
#include <utility>

#include "base/status_macros.h"

namespace hearth::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

StatusOr<std::unique_ptr<RunnerClient>> StartBenchRunner(const BenchRunnerOptions& options) {
  return RunnerClient::Start({.load = {.model_path = options.model,
                                       .context_length = options.context,
                                       .slots = options.slots,
                                       .threads = options.threads,
                                       .batch_size = options.batch_size},
                              .display_name = options.model.filename().string(),
                              .runner_binary = options.hearth});
}

GenerateRequest GreedyRequest(std::string prompt, int32_t max_tokens, bool ignore_eos) {
  GenerateRequest request{.prompt = std::move(prompt), .max_tokens = max_tokens,
                          .ignore_eos = ignore_eos};
  request.sampling.temperature = 0;
  request.sampling.repeat_penalty = 1;
  return request;
}

double TimedGeneration::DecodeTokensPerSecond() const {
  const double span = last_piece_s - first_piece_s;
  const int32_t tokens = result.generated_tokens;
  return span > 0 && tokens > 1 ? (tokens - 1) / span : 0;
}

StatusOr<TimedGeneration> TimeGeneration(InferenceBackend& backend, const GenerateRequest& request) {
  TimedGeneration timed;
  const Clock::time_point start = Clock::now();
  bool first = true;
  auto on_piece = [&](const GeneratePiece& piece) {
    const double now = SecondsBetween(start, Clock::now());
    if (first) timed.first_piece_s = now;
    first = false;
    timed.last_piece_s = now;
    timed.pieces_tokens += piece.token_count;
    return true;
  };
  ASSIGN_OR_RETURN(timed.result, backend.Generate(request, on_piece, {}));
  timed.total_s = SecondsBetween(start, Clock::now());
  return timed;
}

}  // namespace hearth::bench
