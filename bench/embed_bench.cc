// hearth-bench-embed: embedding throughput (issue 9, row B6).
//
//   hearth  the embedder in a `hearth runner` child started through
//           RunnerClient (as the server's scheduler loads it), the texts
//           sent in batches of 64 (the ingestion service's batch)
//   peer    llama.cpp's llama-embedding over the same texts in one process
//           (the texts in a file with a separator), the same context, batch
//           and threads
//
// The texts are SciFact abstracts (title and text), each cut at a word
// boundary to at most --max-chars characters so that every one fits the
// embedder's 512-token context whole on both sides (nothing truncated).
// Each run includes loading the model (a runner start, a process start).
// Runs interleave (hearth, peer, ...). The correctness gate runs first: the
// peer's vectors (its JSON output) against hearth's, cosine ≥ 0.999 for
// every text; without it the row does not count.
//
//   hearth-bench-embed --hearth FILE --model FILE --scifact DIR
//                      --llama-embedding FILE [--texts N] [--pairs N]
//                      [--threads N] [--max-chars N]
// Prints markdown on stdout.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
#include "bench/peer_tool.h"
#include "bench/scifact.h"
#include "nlohmann/json.hpp"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Vectors = std::vector<std::vector<float>>;

constexpr size_t kBatch = 64;
constexpr int32_t kContext = 512;  // the MiniLM and nomic shapes' fixture context
constexpr std::string_view kSeparator = "<#hearth-text#>";
constexpr double kGateCosine = 0.999;

struct Flags {
  fs::path hearth, model, scifact, llama_embedding;
  int texts = 1000;
  int pairs = 5;
  int threads = 2;
  int max_chars = 1200;
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// "title. text", cut at the last space before `max_chars`, newlines made
// spaces (llama-embedding reads its file line-blind, hearth takes strings).
std::string TextOf(const ScifactDocument& document, size_t max_chars) {
  std::string text = document.title + ". " + document.text;
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() <= max_chars) return text;
  const size_t cut = text.rfind(' ', max_chars);
  text.resize(cut == std::string::npos || cut == 0 ? max_chars : cut);
  // A cut inside a multi-byte UTF-8 sequence would differ on the two sides.
  while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
  if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
  return text;
}

StatusOr<Vectors> EmbedWithHearth(const Flags& flags, const std::vector<std::string>& texts,
                                  double* seconds) {
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
                   StartBenchRunner({.hearth = flags.hearth, .model = flags.model,
                                     .threads = flags.threads, .context = kContext,
                                     .batch_size = kContext}));
  Vectors vectors;
  for (size_t begin = 0; begin < texts.size(); begin += kBatch) {
    const size_t end = std::min(texts.size(), begin + kBatch);
    EmbedRequest request{.inputs = {texts.begin() + static_cast<std::ptrdiff_t>(begin),
                                    texts.begin() + static_cast<std::ptrdiff_t>(end)},
                         .truncate = false};
    ASSIGN_OR_RETURN(EmbedResult result, runner->Embed(request, {}));
    for (std::vector<float>& vector : result.embeddings) vectors.push_back(std::move(vector));
  }
  *seconds = Seconds(start);
  return vectors;
}

// llama-embedding's "--embd-output-format json" answer: {"data": [{"embedding": [...]}]}.
StatusOr<Vectors> ParsePeerVectors(const std::string& text) {
  const size_t open = text.find('{');
  if (open == std::string::npos) return InternalError("llama-embedding printed no JSON");
  nlohmann::json body = nlohmann::json::parse(text.substr(open), nullptr, false);
  if (body.is_discarded() || !body.contains("data")) {
    return InternalError("llama-embedding's JSON has no \"data\"");
  }
  Vectors vectors;
  for (const nlohmann::json& item : body["data"]) {
    vectors.push_back(item.at("embedding").get<std::vector<float>>());
  }
  return vectors;
}

StatusOr<ToolOutput> EmbedWithPeer(const Flags& flags, const fs::path& text_file, bool json_out) {
  const std::string threads = std::to_string(flags.threads), context = std::to_string(kContext);
  return RunTool({flags.llama_embedding.string(), "-m", flags.model.string(), "-f",
                  text_file.string(), "--no-escape", "--embd-separator", std::string(kSeparator),
                  "-c", context, "-b", context, "-ub", context, "-t", threads, "-tb", threads,
                  "--embd-normalize", "2", "--embd-output-format", json_out ? "json" : "array"});
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += double{a[i]} * b[i];
    na += double{a[i]} * a[i];
    nb += double{b[i]} * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

struct Gate {
  double min_cosine = 1;
  double mean_cosine = 0;
  bool passed = false;
};

StatusOr<Gate> RunGate(const Flags& flags, const std::vector<std::string>& texts,
                       const fs::path& text_file) {
  double ignored = 0;
  ASSIGN_OR_RETURN(Vectors ours, EmbedWithHearth(flags, texts, &ignored));
  ASSIGN_OR_RETURN(ToolOutput peer_output, EmbedWithPeer(flags, text_file, /*json_out=*/true));
  ASSIGN_OR_RETURN(Vectors theirs, ParsePeerVectors(peer_output.stdout_text));
  if (ours.size() != theirs.size()) {
    return InternalError("hearth made " + std::to_string(ours.size()) + " vectors, llama-embedding " +
                         std::to_string(theirs.size()));
  }
  Gate gate;
  for (size_t i = 0; i < ours.size(); ++i) {
    const double cosine = Cosine(ours[i], theirs[i]);
    gate.min_cosine = std::min(gate.min_cosine, cosine);
    gate.mean_cosine += cosine / static_cast<double>(ours.size());
  }
  gate.passed = gate.min_cosine >= kGateCosine;
  return gate;
}

Status WriteTexts(const fs::path& path, const std::vector<std::string>& texts) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (size_t i = 0; i < texts.size(); ++i) out << (i ? kSeparator : "") << texts[i];
  if (!out.flush()) return InternalError("cannot write " + path.string());
  return OkStatus();
}

void PrintReport(const Flags& flags, size_t texts, const Gate& gate,
                 const std::vector<double>& hearth, const std::vector<double>& peer) {
  std::vector<double> hearth_rate, peer_rate;
  for (double s : hearth) hearth_rate.push_back(static_cast<double>(texts) / s);
  for (double s : peer) peer_rate.push_back(static_cast<double>(texts) / s);
  std::printf("%zu SciFact abstracts (at most %d characters each, none truncated by either side); "
              "%d interleaved pairs; %d threads; context and batch %d.\n\n",
              texts, flags.max_chars, flags.pairs, flags.threads, kContext);
  std::printf("Correctness gate (first %zu texts): cosine between hearth's and llama-embedding's "
              "vectors min %.6f, mean %.6f, target ≥ %.3f: **%s**\n\n",
              std::min<size_t>(texts, kBatch * 2), gate.min_cosine, gate.mean_cosine, kGateCosine,
              gate.passed ? "passed" : "FAILED (the row does not count)");
  std::printf("| embedder run | seconds: median (min–max) | texts/s: median (min–max) |\n");
  std::printf("|---|---:|---:|\n");
  std::printf("| hearth (runner, batches of %zu) | %s | %s |\n", kBatch, Summary(hearth, 2).c_str(),
              Summary(hearth_rate, 2).c_str());
  std::printf("| llama-embedding | %s | %s |\n\n", Summary(peer, 2).c_str(),
              Summary(peer_rate, 2).c_str());
  const double ratio = Median(hearth_rate) / Median(peer_rate);
  std::printf("| B6 | hearth / llama-embedding throughput | target | met |\n|---|---:|---:|---|\n");
  std::printf("| texts/s | %.3f | ≥ 1.0 | %s |\n", ratio,
              gate.passed ? MeetsTarget(ratio, 1.0, true).c_str() : "**no** (gate failed)");
}

Status Run(const Flags& flags) {
  ASSIGN_OR_RETURN(ScifactSet set, LoadScifact(flags.scifact));
  std::vector<std::string> texts;
  for (const ScifactDocument& document : set.documents) {
    if (static_cast<int>(texts.size()) >= flags.texts) break;
    std::string text = TextOf(document, static_cast<size_t>(flags.max_chars));
    if (!text.empty()) texts.push_back(std::move(text));
  }
  const fs::path work = fs::temp_directory_path() / ("hearth-bench-embed-" + std::to_string(::getpid()));
  fs::create_directories(work);
  const std::vector<std::string> gate_texts(texts.begin(),
                                            texts.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(texts.size(), kBatch * 2)));
  RETURN_IF_ERROR(WriteTexts(work / "gate.txt", gate_texts));
  RETURN_IF_ERROR(WriteTexts(work / "texts.txt", texts));
  ASSIGN_OR_RETURN(Gate gate, RunGate(flags, gate_texts, work / "gate.txt"));
  std::vector<double> hearth, peer;
  for (int pair = 0; pair < flags.pairs; ++pair) {
    double seconds = 0;
    RETURN_IF_ERROR(EmbedWithHearth(flags, texts, &seconds).status());
    hearth.push_back(seconds);
    ASSIGN_OR_RETURN(ToolOutput output, EmbedWithPeer(flags, work / "texts.txt", false));
    peer.push_back(output.seconds);
    std::fprintf(stderr, "[B6] pair %d: hearth %.2f s, llama-embedding %.2f s\n", pair + 1,
                 hearth.back(), peer.back());
  }
  std::error_code ignored;
  fs::remove_all(work, ignored);
  PrintReport(flags, texts.size(), gate, hearth, peer);
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-embed --hearth FILE --model FILE --scifact DIR --llama-embedding FILE "
      "[--texts N] [--pairs N] [--threads N] [--max-chars N >= 16]");
  parser.Path("--hearth", &flags.hearth)
      .Path("--model", &flags.model)
      .Path("--scifact", &flags.scifact)
      .Path("--llama-embedding", &flags.llama_embedding)
      .Int("--texts", &flags.texts)
      .Int("--pairs", &flags.pairs)
      .Int("--threads", &flags.threads)
      .Int("--max-chars", &flags.max_chars);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.hearth.empty() || flags.model.empty() || flags.scifact.empty() ||
      flags.llama_embedding.empty() || flags.texts < 1 || flags.pairs < 1 || flags.threads < 1 ||
      flags.max_chars < 16) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-embed", argc, argv, hearth::bench::ParseFlags, hearth::bench::Run);
}
