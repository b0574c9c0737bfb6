// hearth-bench-load: cold load to first token (issue 9, row B4) against the
// floor set by the disk: reading the model file once (`cat FILE >
// /dev/null`).
//
//   cold     before each run the file's pages are dropped from the page
//            cache (posix_fadvise DONTNEED: no root needed, and only this
//            file is dropped, not everyone's cache); the fraction still
//            cached is measured and printed
//   hearth   a `hearth runner` child started through RunnerClient, as the
//            scheduler loads a model, then a one-token generation: from the
//            spawn to the first streamed piece
//   peer     cat FILE > /dev/null
// Pairs run interleaved, cold first, then the same warm (the file cached).
// Prints markdown: medians and ranges, the ratios.
//
//   hearth-bench-load --hearth FILE --model FILE [--pairs N] [--threads N]
#include <chrono>
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
#include "bench/page_cache.h"
#include "bench/peer_tool.h"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Flags {
  fs::path hearth, model;
  int pairs = 5;
  int threads = 2;
};

struct Series {
  std::vector<double> hearth, cat, cached_before;
};

// Start the runner, generate one token: seconds to the first piece.
StatusOr<double> LoadToFirstToken(const Flags& flags) {
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
                   StartBenchRunner({.hearth = flags.hearth, .model = flags.model,
                                     .threads = flags.threads}));
  ASSIGN_OR_RETURN(TimedGeneration first,
                   TimeGeneration(*runner, GreedyRequest("Once upon a time", 1, true)));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count() -
                         (first.total_s - first.first_piece_s);
  runner->Shutdown(std::chrono::seconds(5));
  return seconds;
}

StatusOr<double> ReadOnce(const fs::path& model) {
  ASSIGN_OR_RETURN(ToolOutput out, RunTool({"/bin/sh", "-c", "cat \"$0\" >/dev/null", model.string()}));
  return out.seconds;
}

// One pair; `cold` drops the file from the page cache before each side.
Status RunPair(const Flags& flags, bool cold, Series& series) {
  if (cold) RETURN_IF_ERROR(EvictFromPageCache(flags.model));
  ASSIGN_OR_RETURN(double cached, CachedFraction(flags.model));
  series.cached_before.push_back(cached);
  ASSIGN_OR_RETURN(double hearth, LoadToFirstToken(flags));
  series.hearth.push_back(hearth);
  if (cold) RETURN_IF_ERROR(EvictFromPageCache(flags.model));
  ASSIGN_OR_RETURN(cached, CachedFraction(flags.model));
  series.cached_before.push_back(cached);
  ASSIGN_OR_RETURN(double cat, ReadOnce(flags.model));
  series.cat.push_back(cat);
  return OkStatus();
}

void PrintRow(const char* state, const Series& series) {
  std::printf("| %s | %s | %s | %.2f | %s |\n", state, Summary(series.hearth, 2).c_str(),
              Summary(series.cat, 2).c_str(), Median(series.hearth) / Median(series.cat),
              Summary(series.cached_before, 3).c_str());
}

Status Run(const Flags& flags) {
  Series cold, warm;
  for (int pair = 0; pair < flags.pairs; ++pair) {
    std::fprintf(stderr, "cold pair %d/%d\n", pair + 1, flags.pairs);
    RETURN_IF_ERROR(RunPair(flags, true, cold));
  }
  for (int pair = 0; pair < flags.pairs; ++pair) {
    std::fprintf(stderr, "warm pair %d/%d\n", pair + 1, flags.pairs);
    RETURN_IF_ERROR(RunPair(flags, false, warm));
  }
  const double mib = static_cast<double>(fs::file_size(flags.model)) / (1 << 20);
  std::printf("Model %s (%.0f MiB); %d interleaved pairs per state; runner with %d threads, "
              "context 4096, 1 slot.\n\n",
              flags.model.filename().c_str(), mib, flags.pairs, flags.threads);
  std::printf("| page cache | hearth: spawn runner → first token, s | cat FILE > /dev/null, s | "
              "hearth / cat | fraction of the file cached before a run |\n"
              "|---|---:|---:|---:|---:|\n");
  PrintRow("cold (file dropped)", cold);
  PrintRow("warm (file cached)", warm);
  std::printf("\ncat reads the cold file at %.0f MiB/s (median).\n", mib / Median(cold.cat));
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-load --hearth FILE --model FILE [--pairs N >= 1] [--threads N >= 1]");
  parser.Path("--hearth", &flags.hearth)
      .Path("--model", &flags.model)
      .Int("--pairs", &flags.pairs)
      .Int("--threads", &flags.threads);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.hearth.empty() || flags.model.empty() || flags.pairs < 1 || flags.threads < 1) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-load", argc, argv, hearth::bench::ParseFlags, hearth::bench::Run);
}
