// hearth-bench-decode: decode and prefill speed of hearth's model runtime
// against llama.cpp's own llama-bench, on the same model file and threads
// (issue 9, rows B1 and B2).
//
//   gate     first, for every --gate-model and the model: at temperature 0
//            the runner's answer to a prompt equals llama-simple's (greedy
//            decoding in the same llama.cpp): the same text and the same
//            number of tokens. Rows measured after a failed gate are printed
//            as not counting.
//   hearth   a `hearth runner` child started through RunnerClient, as the
//            server's scheduler loads every model (context 4096, 1 slot,
//            batch 512). Decode: a short prompt, then --gen tokens past the
//            end token; tokens/s between the first and the last streamed
//            piece, seen by the client. Prefill: a prompt of exactly
//            --prompt-tokens tokens, new in every run (nothing reused from
//            the slot's cache), one token generated; prompt tokens / the
//            runner's prefill time.
//   peer     llama-bench -p N -n G -r 1 (its warm-up run untimed), once per
//            pair; batch and micro-batch 512 like hearth's.
//
// Pairs run interleaved (hearth, peer, hearth, peer, ...) so background load
// hits both alike. Prints markdown: the gate, then per row the medians and
// ranges, the ratio, the target and whether it is met.
//
//   hearth-bench-decode --hearth FILE --model FILE --llama-bench FILE
//                       --llama-simple FILE [--gate-model FILE]... [--pairs N]
//                       [--threads N] [--gen N] [--prompt-tokens N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
#include "bench/peer_tool.h"
#include "models/utf8_assembler.h"
#include "nlohmann/json.hpp"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;

constexpr char kGatePrompt[] = "Once upon a time";
constexpr int32_t kGateTokens = 32;  // prompt + answer stay inside one 256-cell KV block
constexpr char kDecodePrompt[] = "Once upon a time";

struct Flags {
  fs::path hearth, model, llama_bench, llama_simple;
  std::vector<fs::path> gate_models;
  int pairs = 5;
  int threads = 2;
  int gen = 128;
  int prompt_tokens = 512;
};

// ---- the correctness gate -------------------------------------------------

struct GateResult {
  std::string model;
  int32_t hearth_tokens = 0, peer_tokens = 0;
  bool same = false;
  std::string detail;  // the first difference, when not the same
};

// Tokens llama-simple generated: its "decoded N tokens" line on stderr.
int32_t PeerDecodedTokens(const std::string& stderr_text) {
  const size_t at = stderr_text.find("decoded ");
  return at == std::string::npos ? -1 : std::atoi(stderr_text.c_str() + at + 8);
}

// What hearth streams for the bytes `raw`: bytes that form no character
// become U+FFFD (models/utf8_assembler.h). llama-simple prints the tokens'
// raw bytes, which a random-weight model's byte tokens leave invalid.
std::string AsStreamed(const std::string& raw) {
  Utf8Assembler assembler;
  return assembler.Append(raw) + assembler.Flush();
}

// llama-simple prints the prompt's pieces, the answer's pieces, then "\n".
GateResult CompareGate(const fs::path& model, const GenerateResult& hearth, const ToolOutput& peer) {
  GateResult gate{.model = model.filename().string()};
  // An end-of-generation token is counted by hearth, never printed by either.
  gate.hearth_tokens = hearth.generated_tokens -
                       (hearth.finish_reason == FinishReason::kStop ? 1 : 0);
  gate.peer_tokens = PeerDecodedTokens(peer.stderr_text);
  const std::string expected_end = hearth.text + "\n";
  const std::string out = AsStreamed(peer.stdout_text);
  const bool text_same = !hearth.text.empty() && out.size() >= expected_end.size() &&
                         out.compare(out.size() - expected_end.size(), std::string::npos,
                                     expected_end) == 0;
  gate.same = text_same && gate.hearth_tokens == gate.peer_tokens;
  if (!text_same) {
    gate.detail = "hearth: \"" + hearth.text + "\" / llama-simple printed: \"" + out + "\"";
  } else if (!gate.same) {
    gate.detail = "token counts differ";
  }
  return gate;
}

StatusOr<GateResult> RunGate(const Flags& flags, const fs::path& model) {
  std::fprintf(stderr, "gate: %s\n", model.filename().c_str());
  ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
                   StartBenchRunner({.hearth = flags.hearth, .model = model,
                                     .threads = flags.threads}));
  ASSIGN_OR_RETURN(TimedGeneration hearth,
                   TimeGeneration(*runner, GreedyRequest(kGatePrompt, kGateTokens, false)));
  ASSIGN_OR_RETURN(ToolOutput peer,
                   RunTool({flags.llama_simple.string(), "-m", model.string(), "-n",
                            std::to_string(kGateTokens), kGatePrompt}));
  return CompareGate(model, hearth.result, peer);
}

// ---- hearth ----------------------------------------------------------------

// A prompt of exactly `count` tokens (without BOS) for run `run`: common
// words in an order that starts differently in every run, so no run reuses
// the slot cache of the one before. Errors: the runner's; Internal when no
// word sequence hits the count.
StatusOr<std::string> PromptOfTokens(InferenceBackend& runner, int32_t count, int run) {
  static constexpr std::string_view kWords[] = {
      "river", "stone", "light", "green", "house", "table", "water", "paper", "music", "bread",
      "cloud", "horse", "garden", "window", "market", "winter", "summer", "forest", "letter",
      "silver", "bridge", "orange", "planet", "doctor", "camera", "pencil", "castle", "island"};
  constexpr int kCount = sizeof kWords / sizeof kWords[0];
  std::string text = "Note " + std::to_string(run) + ":";
  for (int i = 0;; ++i) {
    const std::string next = text + " " + std::string(kWords[(i * 5 + run) % kCount]);
    ASSIGN_OR_RETURN(std::vector<int32_t> tokens, runner.Tokenize(next, false));
    if (static_cast<int32_t>(tokens.size()) > count) break;
    text = next;
    if (static_cast<int32_t>(tokens.size()) == count) return text;
  }
  for (const char* filler : {" a", " I", ",", "."}) {  // close the last gap
    for (std::string next = text + filler;; next += filler) {
      ASSIGN_OR_RETURN(std::vector<int32_t> tokens, runner.Tokenize(next, false));
      if (static_cast<int32_t>(tokens.size()) > count) break;
      text = next;
      if (static_cast<int32_t>(tokens.size()) == count) return text;
    }
  }
  return InternalError("could not build a prompt of exactly " + std::to_string(count) + " tokens");
}

struct HearthPair {
  double decode_tokens_per_s = 0;
  double prefill_tokens_per_s = 0;  // the runner's prefill time
  double prefill_ttft_s = 0;        // the client's time to first token
};

StatusOr<HearthPair> RunHearth(const Flags& flags, InferenceBackend& runner, int run) {
  HearthPair pair;
  ASSIGN_OR_RETURN(TimedGeneration decode,
                   TimeGeneration(runner, GreedyRequest(kDecodePrompt, flags.gen, true)));
  pair.decode_tokens_per_s = decode.DecodeTokensPerSecond();
  ASSIGN_OR_RETURN(std::string prompt, PromptOfTokens(runner, flags.prompt_tokens, run));
  GenerateRequest request = GreedyRequest(prompt, 1, true);
  request.add_special = false;
  ASSIGN_OR_RETURN(TimedGeneration prefill, TimeGeneration(runner, request));
  const GenerateResult& result = prefill.result;
  if (result.prompt_tokens != flags.prompt_tokens || result.cached_prompt_tokens != 0) {
    return InternalError("the prefill run evaluated " +
                         std::to_string(result.prompt_tokens - result.cached_prompt_tokens) +
                         " of " + std::to_string(result.prompt_tokens) + " prompt tokens, not " +
                         std::to_string(flags.prompt_tokens));
  }
  pair.prefill_tokens_per_s =
      result.prompt_tokens / std::chrono::duration<double>(result.prefill_duration).count();
  pair.prefill_ttft_s = prefill.first_piece_s;
  return pair;
}

// ---- llama-bench -------------------------------------------------------------

struct PeerPair {
  double decode_tokens_per_s = 0;
  double prefill_tokens_per_s = 0;
};

StatusOr<PeerPair> RunLlamaBench(const Flags& flags) {
  ASSIGN_OR_RETURN(ToolOutput out,
                   RunTool({flags.llama_bench.string(), "-m", flags.model.string(), "-t",
                            std::to_string(flags.threads), "-p", std::to_string(flags.prompt_tokens),
                            "-n", std::to_string(flags.gen), "-b", "512", "-ub", "512", "-r", "1",
                            "-o", "jsonl"}));
  PeerPair pair;
  for (const std::string& line : SplitLines(out.stdout_text)) {
    const nlohmann::json test = nlohmann::json::parse(line, nullptr, false);
    if (!test.is_object() || !test.contains("avg_ts")) continue;
    const double rate = test["avg_ts"].get<double>();
    if (test.value("n_gen", 0) > 0) pair.decode_tokens_per_s = rate;
    if (test.value("n_prompt", 0) > 0) pair.prefill_tokens_per_s = rate;
  }
  if (pair.decode_tokens_per_s <= 0 || pair.prefill_tokens_per_s <= 0) {
    return InternalError("llama-bench printed no pp and tg results: " + out.stdout_text);
  }
  return pair;
}

// ---- the report --------------------------------------------------------------

void PrintGate(const std::vector<GateResult>& gates) {
  std::printf("Correctness gate (first): temperature 0, prompt \"%s\", at most %d tokens; "
              "hearth's runner against llama-simple (greedy).\n\n",
              kGatePrompt, kGateTokens);
  std::printf("| model | tokens (hearth / llama-simple) | same tokens and text |\n|---|---:|---|\n");
  for (const GateResult& gate : gates) {
    std::printf("| %s | %d / %d | %s |\n", gate.model.c_str(), gate.hearth_tokens,
                gate.peer_tokens, gate.same ? "yes" : "**no**");
  }
  for (const GateResult& gate : gates) {
    if (!gate.same) std::printf("\n%s differs: %s\n", gate.model.c_str(), gate.detail.c_str());
  }
  std::printf("\n");
}

void PrintRow(const char* id, const std::string& what, const std::vector<double>& hearth,
              const std::vector<double>& peer, double target, bool counts) {
  const double ratio = Median(hearth) / Median(peer);
  std::printf("| %s | %s | %s | %s | %.3f | ≥ %.2f× | %s |\n", id, what.c_str(),
              Summary(hearth, 1).c_str(), Summary(peer, 1).c_str(), ratio, target,
              counts ? MeetsTarget(ratio, target, true).c_str() : "does not count (gate failed)");
}

void PrintReport(const Flags& flags, const std::vector<HearthPair>& hearth,
                 const std::vector<PeerPair>& peer, bool gate_passed) {
  std::vector<double> hd, hp, ttft, pd, pp;
  for (const HearthPair& h : hearth) {
    hd.push_back(h.decode_tokens_per_s);
    hp.push_back(h.prefill_tokens_per_s);
    ttft.push_back(h.prefill_ttft_s);
  }
  for (const PeerPair& p : peer) {
    pd.push_back(p.decode_tokens_per_s);
    pp.push_back(p.prefill_tokens_per_s);
  }
  std::printf("%zu interleaved pairs; %d threads; model %s.\n\n", hearth.size(), flags.threads,
              flags.model.filename().c_str());
  std::printf("| id | tokens/s | hearth: median (min–max) | llama-bench: median (min–max) | "
              "hearth / peer | target | met |\n|---|---|---:|---:|---:|---|---|\n");
  PrintRow("B1", "decode (tg" + std::to_string(flags.gen) + ")", hd, pd, 0.97, gate_passed);
  PrintRow("B2", "prefill (pp" + std::to_string(flags.prompt_tokens) + ")", hp, pp, 0.95,
           gate_passed);
  std::printf("\nhearth's time to first token for the %d-token prompt, seen by the client "
              "(tokenize, socket, prefill, first sample): %s s.\n",
              flags.prompt_tokens, Summary(ttft, 2).c_str());
}

Status Run(const Flags& flags) {
  std::vector<GateResult> gates;
  bool gate_passed = true;
  std::vector<fs::path> gate_models = flags.gate_models;
  gate_models.push_back(flags.model);
  for (const fs::path& model : gate_models) {
    ASSIGN_OR_RETURN(GateResult gate, RunGate(flags, model));
    gate_passed = gate_passed && gate.same;
    gates.push_back(std::move(gate));
  }
  PrintGate(gates);
  ASSIGN_OR_RETURN(std::unique_ptr<RunnerClient> runner,
                   StartBenchRunner({.hearth = flags.hearth, .model = flags.model,
                                     .threads = flags.threads}));
  // A warm-up generation, untimed, like llama-bench's.
  RETURN_IF_ERROR(TimeGeneration(*runner, GreedyRequest(kDecodePrompt, 8, true)).status());
  std::vector<HearthPair> hearth;
  std::vector<PeerPair> peer;
  for (int pair = 0; pair < flags.pairs; ++pair) {
    std::fprintf(stderr, "pair %d/%d: hearth...\n", pair + 1, flags.pairs);
    ASSIGN_OR_RETURN(HearthPair h, RunHearth(flags, *runner, pair));
    hearth.push_back(h);
    std::fprintf(stderr, "pair %d/%d: llama-bench...\n", pair + 1, flags.pairs);
    ASSIGN_OR_RETURN(PeerPair p, RunLlamaBench(flags));
    peer.push_back(p);
  }
  PrintReport(flags, hearth, peer, gate_passed);
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-decode --hearth FILE --model FILE --llama-bench FILE --llama-simple FILE "
      "[--gate-model FILE]... [--pairs N >= 1] [--threads N >= 1] [--gen N >= 2] "
      "[--prompt-tokens 8..4000]");
  parser.Path("--hearth", &flags.hearth)
      .Path("--model", &flags.model)
      .Path("--llama-bench", &flags.llama_bench)
      .Path("--llama-simple", &flags.llama_simple)
      .Paths("--gate-model", &flags.gate_models)
      .Int("--pairs", &flags.pairs)
      .Int("--threads", &flags.threads)
      .Int("--gen", &flags.gen)
      .Int("--prompt-tokens", &flags.prompt_tokens);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.hearth.empty() || flags.model.empty() || flags.llama_bench.empty() ||
      flags.llama_simple.empty() || flags.pairs < 1 || flags.threads < 1 || flags.gen < 2 ||
      flags.prompt_tokens < 8 || flags.prompt_tokens > 4000) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-decode", argc, argv, hearth::bench::ParseFlags, hearth::bench::Run);
}
