// hearth-bench-memory: memory (issue 9, row B10).
//
//   idle     `hearth serve` on a fresh data directory, no model loaded: its
//            resident set a few seconds after it listens (target ≤ 50 MB)
//   models   each model in a `hearth runner` child started through
//            RunnerClient with the options the scheduler gives it by
//            default (context min(4096, training context), 1 slot, batch
//            512), after a request that uses a full batch (a prompt of
//            more than 512 tokens and 8 generated, or 16 texts embedded in
//            one call) has touched its weights and its compute buffer, as
//            the busiest request does: the runner's resident set
//            (anonymous + file-backed, from /proc) against the memory
//            planner's estimate for the same options (target: within 10%);
//            and, from the last run's /proc/PID/smaps, the runner's mappings
//            of 8 MiB or more (with at least 1 MiB resident), each with its
//            size and how much of it is resident: the evidence for what the estimate counts that the
//            runner never touches (llama.cpp reserves its compute buffer for
//            the worst batch, and pages it never writes are not resident)
//
//   hearth-bench-memory --hearth FILE --model FILE [--model FILE]... [--runs N]
//                       [--threads N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/child_process.h"
#include "base/status.h"
#include "base/status_macros.h"
#include "bench/bench_flags.h"
#include "bench/bench_main.h"
#include "bench/bench_runner.h"
#include "bench/bench_stats.h"
#include "models/gguf_file.h"
#include "models/memory_planner.h"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr double kMiB = 1 << 20;

struct Flags {
  fs::path hearth;
  std::vector<fs::path> models;
  int runs = 5;
  int threads = 2;
};

// kB fields of /proc/PID/status, in bytes.
struct ProcessMemory {
  double rss = 0, anon = 0, file = 0;
};

StatusOr<ProcessMemory> ReadProcessMemory(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return NotFoundError("no /proc/" + std::to_string(pid) + "/status");
  ProcessMemory memory;
  std::string key;
  double kb = 0;
  while (status >> key) {
    if (key == "VmRSS:" && status >> kb) memory.rss = kb * 1024;
    else if (key == "RssAnon:" && status >> kb) memory.anon = kb * 1024;
    else if (key == "RssFile:" && status >> kb) memory.file = kb * 1024;
  }
  return memory;
}

// One mapping of /proc/PID/smaps: its file (or "[anonymous]"), size and
// resident bytes.
struct Mapping {
  std::string name;
  double size = 0, rss = 0;
};

// The mappings of `pid` of at least `min_bytes` with a MiB or more resident,
// largest first.
StatusOr<std::vector<Mapping>> ReadLargeMappings(pid_t pid, double min_bytes) {
  std::ifstream smaps("/proc/" + std::to_string(pid) + "/smaps");
  if (!smaps) return NotFoundError("no /proc/" + std::to_string(pid) + "/smaps");
  std::vector<Mapping> mappings;
  std::string line;
  while (std::getline(smaps, line)) {
    std::istringstream fields(line);
    std::string first, second;
    fields >> first >> second;
    if (first.find('-') != std::string::npos && second.size() == 4) {  // "addr-addr perms ..."
      std::string offset, device, inode, path;
      fields >> offset >> device >> inode;
      std::getline(fields >> std::ws, path);
      mappings.push_back({.name = path.empty() ? "[anonymous]" : fs::path(path).filename().string()});
    } else if (!mappings.empty() && (first == "Size:" || first == "Rss:")) {
      (first == "Size:" ? mappings.back().size : mappings.back().rss) = std::stod(second) * 1024;
    }
  }
  // (Reservations nothing was written to, such as thread stacks and malloc
  // arenas, are left out: they are not memory the runner holds.)
  std::erase_if(mappings, [min_bytes](const Mapping& m) { return m.size < min_bytes || m.rss < kMiB; });
  std::sort(mappings.begin(), mappings.end(),
            [](const Mapping& a, const Mapping& b) { return a.size > b.size; });
  return mappings;
}

// Waits until the server's log (its stderr) says it listens.
Status WaitUntilListening(int stderr_fd) {
  std::string log;
  char buffer[4096];
  while (log.find("listening on") == std::string::npos) {
    const ssize_t n = ::read(stderr_fd, buffer, sizeof buffer);
    if (n <= 0) return InternalError("hearth serve ended before it listened; its log: " + log);
    log.append(buffer, static_cast<size_t>(n));
  }
  return OkStatus();
}

// One idle server: its resident set 3 s after it listens.
StatusOr<ProcessMemory> IdleServer(const Flags& flags) {
  const fs::path home = fs::temp_directory_path() / ("hearth-bench-memory-" + std::to_string(getpid()));
  fs::remove_all(home);
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> server,
                   ChildProcess::Spawn({.argv = {flags.hearth.string(), "serve", "--port", "0"},
                                        .extra_env = {"HEARTH_HOME=" + home.string()},
                                        .capture_stderr = true}));
  Status listening = WaitUntilListening(server->stderr_fd());
  std::this_thread::sleep_for(3s);
  StatusOr<ProcessMemory> memory = ReadProcessMemory(server->pid());
  server->Terminate(5s);
  fs::remove_all(home);
  RETURN_IF_ERROR(listening);
  return memory;
}

// About 40 words: with any vocabulary, more than 32 tokens.
std::string Sentence(int i) {
  return "Sentence " + std::to_string(i) + " of the request tells how the river ran past the old "
         "stone house, where the light fell green on the table, the water, the paper and the "
         "bread, while music came from the houses across the valley and clouds gathered. ";
}

// A prompt of more than 512 tokens (about 600 words: some 700 tokens of a
// Llama 3 vocabulary, 1,800 of stories260K's, which fits its 2,048): the
// prefill fills whole batches.
std::string FullBatchPrompt() {
  std::string prompt;
  for (int i = 0; i < 15; ++i) prompt += Sentence(i);
  return prompt;
}

// 16 texts of more than 32 tokens each: one embedding call packs a batch
// of 512 tokens or more.
std::vector<std::string> FullBatchTexts() {
  std::vector<std::string> texts;
  for (int i = 0; i < 16; ++i) texts.push_back(Sentence(i));
  return texts;
}

struct ModelRow {
  std::string name;
  Footprint estimate;
  std::vector<double> rss, anon, file;
  std::vector<Mapping> mappings;  // of the last run
};

StatusOr<ModelRow> MeasureModel(const Flags& flags, const fs::path& model) {
  ASSIGN_OR_RETURN(GgufSummary gguf, ReadGgufFile(model));
  const uint64_t trained = gguf.GetArchUint("context_length").value_or(4096);
  const BenchRunnerOptions options{.hearth = flags.hearth, .model = model, .threads = flags.threads,
                                   .context = static_cast<int32_t>(std::min<uint64_t>(4096, trained))};
  ModelRow row{.name = model.filename().string(),
               .estimate = EstimateFootprint(gguf, {.model_path = model,
                                                    .context_length = options.context,
                                                    .slots = options.slots,
                                                    .threads = options.threads,
                                                    .batch_size = options.batch_size})};
  for (int run = 0; run < flags.runs; ++run) {
    std::fprintf(stderr, "%s: run %d/%d\n", row.name.c_str(), run + 1, flags.runs);
    ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner, StartBenchRunner(options));
    if (gguf.IsEmbeddingModel()) {
      RETURN_IF_ERROR(runner->Embed({.inputs = FullBatchTexts()}, {}).status());
    } else {
      RETURN_IF_ERROR(TimeGeneration(*runner, GreedyRequest(FullBatchPrompt(), 8, true)).status());
    }
    ASSIGN_OR_RETURN(ProcessMemory memory, ReadProcessMemory(runner->pid()));
    row.rss.push_back(memory.rss / kMiB);
    row.anon.push_back(memory.anon / kMiB);
    row.file.push_back(memory.file / kMiB);
    ASSIGN_OR_RETURN(row.mappings, ReadLargeMappings(runner->pid(), 8 * kMiB));
    runner->Shutdown(5s);
  }
  return row;
}

void PrintModel(const ModelRow& row) {
  const Footprint& e = row.estimate;
  const double estimate = static_cast<double>(e.total()) / kMiB;
  const double ratio = Median(row.rss) / estimate;
  std::printf("| %s | %.0f (%.0f + %.0f + %.0f + %.0f) | %s | %s | %s | %.3f | %s |\n",
              row.name.c_str(), estimate, e.weights / kMiB, e.kv_cache / kMiB, e.compute / kMiB,
              e.overhead / kMiB, Summary(row.rss, 0).c_str(), Summary(row.anon, 0).c_str(),
              Summary(row.file, 0).c_str(), ratio,
              std::abs(ratio - 1) <= 0.10 ? "yes" : "**no**");
}

// Where each runner's resident set is: its large mappings.
void PrintMappings(const std::vector<ModelRow>& rows) {
  std::printf("\nThe runners' mappings of 8 MiB or more (last run; /proc/PID/smaps), MiB:\n\n"
              "| model | mapping | size | resident | resident / size |\n|---|---|---:|---:|---:|\n");
  for (const ModelRow& row : rows) {
    for (const Mapping& m : row.mappings) {
      std::printf("| %s | %s | %.0f | %.0f | %.2f |\n", row.name.c_str(), m.name.c_str(),
                  m.size / kMiB, m.rss / kMiB, m.rss / m.size);
    }
  }
}

Status Run(const Flags& flags) {
  std::vector<double> idle, idle_anon;
  for (int run = 0; run < flags.runs; ++run) {
    std::fprintf(stderr, "idle server: run %d/%d\n", run + 1, flags.runs);
    ASSIGN_OR_RETURN(ProcessMemory memory, IdleServer(flags));
    idle.push_back(memory.rss / kMiB);
    idle_anon.push_back(memory.anon / kMiB);
  }
  std::vector<ModelRow> rows;
  for (const fs::path& model : flags.models) {
    ASSIGN_OR_RETURN(ModelRow row, MeasureModel(flags, model));
    rows.push_back(std::move(row));
  }
  std::printf("%d runs each; MiB (2^20 bytes); median (min–max).\n\n", flags.runs);
  std::printf("| B10 | resident set, MiB | of it anonymous | target | met |\n|---|---:|---:|---|---|\n");
  std::printf("| idle `hearth serve` (fresh data directory, no model) | %s | %s | ≤ 50 MB (47.7 MiB) | %s |\n\n",
              Summary(idle, 1).c_str(), Summary(idle_anon, 1).c_str(),
              Median(idle) <= 50e6 / kMiB ? "yes" : "**no**");
  std::printf("| model | planner's estimate, MiB (weights + KV + compute + overhead) | runner RSS | "
              "anonymous | file-backed | RSS / estimate | within 10%% |\n"
              "|---|---:|---:|---:|---:|---:|---|\n");
  for (const ModelRow& row : rows) PrintModel(row);
  PrintMappings(rows);
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-memory --hearth FILE --model FILE [--model FILE]... [--runs N >= 1] "
      "[--threads N >= 1]");
  parser.Path("--hearth", &flags.hearth)
      .Paths("--model", &flags.models)
      .Int("--runs", &flags.runs)
      .Int("--threads", &flags.threads);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.hearth.empty() || flags.models.empty() || flags.runs < 1 || flags.threads < 1) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-memory", argc, argv, hearth::bench::ParseFlags, hearth::bench::Run);
}
