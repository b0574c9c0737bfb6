// The model runtime as hearth serves it, for the benchmarks: a `hearth
// runner` child started through RunnerClient (what the scheduler's loader
// does for every model the server loads), and one generation through it
// timed from the client's side of the runner socket.
//
// Thread-safety: functions are thread-safe; the RunnerClient is.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
//                    StartBenchRunner({.hearth = hearth_bin, .model = model, .threads = 2}));
//   ASSIGN_OR_RETURN(TimedGeneration run, TimeGeneration(*runner, GreedyRequest("Hi", 64, true)));
//   double decode_tokens_per_s = run.DecodeTokensPerSecond();
#ifndef HEARTH_BENCH_BENCH_RUNNER_H_
#define HEARTH_BENCH_BENCH_RUNNER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "base/status.h"
#include "models/inference.h"
#include "models/runner_client.h"

namespace hearth::bench {

struct BenchRunnerOptions {
  std::filesystem::path hearth;  // the hearth binary (it has the `runner` verb)
  std::filesystem::path model;   // a GGUF file
  int32_t threads = 2;
  int32_t context = 4096;  // per slot, as `hearth serve --context`
  int32_t slots = 1;
  int32_t batch_size = 512;  // as `hearth serve --batch`
};

// Starts the runner and waits until it serves. Errors: RunnerClient::Start's.
StatusOr<std::unique_ptr<RunnerClient>> StartBenchRunner(const BenchRunnerOptions& options);

// Temperature 0 (greedy, no penalties: llama.cpp's argmax), `max_tokens`
// tokens at most; `ignore_eos` keeps going past the end token.
GenerateRequest GreedyRequest(std::string prompt, int32_t max_tokens, bool ignore_eos);

// One generation: what the runner reports and what the client saw.
struct TimedGeneration {
  GenerateResult result;
  double first_piece_s = 0;  // from the call to the first streamed piece (TTFT)
  double last_piece_s = 0;   // from the call to the last streamed piece
  double total_s = 0;        // from the call to its return
  int32_t pieces_tokens = 0;  // tokens covered by the streamed pieces

  // Generated tokens after the first, per second between the first and the
  // last piece seen by the client: the decode rate a reader of the stream
  // gets.
  double DecodeTokensPerSecond() const;
};

// Runs `request` on `backend`, timing the stream. Errors: the backend's.
StatusOr<TimedGeneration> TimeGeneration(InferenceBackend& backend, const GenerateRequest& request);

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_BENCH_RUNNER_H_
