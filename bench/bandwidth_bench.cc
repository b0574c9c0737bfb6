// hearth-bench-bandwidth: how close decoding comes to the machine's memory
// bandwidth (issue 9, row B11).
//
// Decoding one token reads every weight once (a tied output matrix is the
// token embedding, read in full; an untied embedding contributes one row),
// plus the KV cache up to the current position. That many bytes times
// hearth's decode tokens/s (a `hearth runner` child, as the server loads
// models; tokens/s between the first and the last streamed piece) is the
// bandwidth decoding achieves; the STREAM-like probe (bench/stream_probe.h)
// measures what the machine gives with the same number of threads. Decode
// runs and probes alternate.
//
//   hearth-bench-bandwidth --hearth FILE --model FILE [--pairs N] [--threads N]
//                          [--gen N]
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/status_macros.h"
#include "bench/bench_flags.h"
#include "bench/bench_main.h"
#include "bench/bench_runner.h"
#include "bench/bench_stats.h"
#include "bench/stream_probe.h"
#include "models/gguf_file.h"
#include "models/memory_planner.h"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kPrompt[] = "Once upon a time";

struct Flags {
  fs::path hearth, model;
  int pairs = 5;
  int threads = 2;
  int gen = 128;
};

// Bytes of weights one decoded token reads.
double WeightBytesPerToken(const GgufSummary& gguf) {
  bool has_output = false;
  double all = 0, embedding = 0;
  for (const GgufTensorInfo& tensor : gguf.tensors) {
    all += static_cast<double>(tensor.size_bytes);
    if (tensor.name == "output.weight") has_output = true;
    if (tensor.name == "token_embd.weight") embedding = static_cast<double>(tensor.size_bytes);
  }
  return has_output ? all - embedding : all;
}

// Bytes of f16 KV cache a token at `position` reads (keys and values of
// every earlier position, every layer).
double KvBytesPerToken(const GgufSummary& gguf, double position) {
  const ModelShapeInfo shape = ReadModelShape(gguf);
  if (!shape.has_kv_cache) return 0;
  return position * static_cast<double>(shape.n_layer) *
         static_cast<double>(shape.n_embd_k_gqa + shape.n_embd_v_gqa) * 2;
}

Status Run(const Flags& flags) {
  ASSIGN_OR_RETURN(GgufSummary gguf, ReadGgufFile(flags.model));
  ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
                   StartBenchRunner({.hearth = flags.hearth, .model = flags.model,
                                     .threads = flags.threads}));
  ASSIGN_OR_RETURN(TimedGeneration warm_up, TimeGeneration(*runner, GreedyRequest(kPrompt, 8, true)));
  std::vector<double> rates, read, copy, triad;
  for (int pair = 0; pair < flags.pairs; ++pair) {
    std::fprintf(stderr, "pair %d/%d\n", pair + 1, flags.pairs);
    ASSIGN_OR_RETURN(TimedGeneration decode,
                     TimeGeneration(*runner, GreedyRequest(kPrompt, flags.gen, true)));
    rates.push_back(decode.DecodeTokensPerSecond());
    const StreamResult probe = MeasureBandwidth({.threads = flags.threads});
    read.push_back(probe.read_gbps);
    copy.push_back(probe.copy_gbps);
    triad.push_back(probe.triad_gbps);
  }
  const double weights = WeightBytesPerToken(gguf);
  const double mean_position = warm_up.result.prompt_tokens + flags.gen / 2.0;
  const double kv = KvBytesPerToken(gguf, mean_position);
  std::vector<double> achieved;
  for (double rate : rates) achieved.push_back((weights + kv) * rate / 1e9);
  std::printf("Model %s; %d threads; %d interleaved pairs (a decode of %d tokens, then the probe).\n\n",
              flags.model.filename().c_str(), flags.threads, flags.pairs, flags.gen);
  std::printf("| B11 | median (min–max) |\n|---|---:|\n");
  std::printf("| weights read per token, MiB | %.1f |\n", weights / (1 << 20));
  std::printf("| KV cache read per token (f16, mean position %.0f), MiB | %.2f |\n", mean_position,
              kv / (1 << 20));
  std::printf("| hearth decode, tokens/s | %s |\n", Summary(rates, 2).c_str());
  std::printf("| bandwidth decoding uses, GB/s | %s |\n", Summary(achieved, 2).c_str());
  std::printf("| probe: read (sum), GB/s | %s |\n", Summary(read, 2).c_str());
  std::printf("| probe: copy, GB/s | %s |\n", Summary(copy, 2).c_str());
  std::printf("| probe: triad, GB/s | %s |\n", Summary(triad, 2).c_str());
  std::printf("| **fraction of the read bandwidth decoding uses** | **%.2f** |\n",
              Median(achieved) / Median(read));
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-bandwidth --hearth FILE --model FILE [--pairs N >= 1] [--threads N >= 1] "
      "[--gen N >= 2]");
  parser.Path("--hearth", &flags.hearth)
      .Path("--model", &flags.model)
      .Int("--pairs", &flags.pairs)
      .Int("--threads", &flags.threads)
      .Int("--gen", &flags.gen);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.hearth.empty() || flags.model.empty() || flags.pairs < 1 || flags.threads < 1 ||
      flags.gen < 2) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-bandwidth", argc, argv, hearth::bench::ParseFlags, hearth::bench::Run);
}
