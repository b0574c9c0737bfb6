// hearth-bench-ingest: ingestion throughput over a folder of PDFs.
//
//   hearth  ConvertFile (the hearth-convert child) -> ChunkDocument (the
//           embedder's VocabTokenizer, default ChunkerOptions) -> Embed in
//           batches of 64 chunks (the ingestion service's batch) with the
//           embedder loaded in process by InferenceEngine
//   peer    pdftotext on each PDF, then llama.cpp's llama-embedding over the
//           same chunk texts (one process, the texts given with a separator)
//
// The two run interleaved (hearth, peer, hearth, peer, ...) so background
// load hits both alike; each run includes loading the model. The peer does
// less: it never finds structure or cuts chunks (it embeds hearth's chunks).
// Prints markdown tables: per stage median and min-max, pages/s, chunks/s,
// and the ratio.
//
//   hearth-bench-ingest --model FILE --pdf-dir DIR --llama-embedding FILE
//                       [--pairs N] [--threads N] [--max-pages N]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/child_process.h"
#include "base/status.h"
#include "base/status_macros.h"
#include "bench/bench_flags.h"
#include "bench/bench_main.h"
#include "models/inference_engine.h"
#include "models/vocab_tokenizer.h"
#include "rag/chunker.h"
#include "rag/document_converter.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kEmbedBatch = 64;
constexpr int32_t kContext = 512;  // the MiniLM shape's training context
constexpr std::string_view kSeparator = "<#hearth-chunk#>";

struct Flags {
  fs::path model, pdf_dir, llama_embedding;
  int pairs = 3;
  int threads = 2;
  int max_pages = 0;  // > 0: only PDFs of at most this many pages
};

// Seconds per stage of one run, in the order the stages ran.
using Stages = std::vector<std::pair<std::string, double>>;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

StatusOr<std::vector<fs::path>> Pdfs(const fs::path& dir) {
  std::error_code error;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    if (it->path().extension() == ".pdf") files.push_back(it->path());
  }
  if (error) return NotFoundError("cannot list " + dir.string() + ": " + error.message());
  if (files.empty()) return NotFoundError("no .pdf files in " + dir.string());
  std::sort(files.begin(), files.end());
  return files;
}

// Runs argv with its output discarded; an error unless it exits with 0.
// The PDFs of at most `max_pages` pages, found by converting each once
// (untimed; it also warms the page cache for both pipelines alike).
StatusOr<std::vector<fs::path>> AtMostPages(const std::vector<fs::path>& pdfs, int max_pages) {
  std::vector<fs::path> kept;
  for (const fs::path& pdf : pdfs) {
    ASSIGN_OR_RETURN(StructuredDocument doc, ConvertFile(pdf, pdf.filename().string(), {}));
    if (doc.page_count <= max_pages) kept.push_back(pdf);
  }
  return kept;
}

Status RunQuietly(const std::vector<std::string>& argv) {
  std::vector<std::string> shell = {"/bin/sh", "-c", "exec \"$0\" \"$@\" >/dev/null 2>&1"};
  shell.insert(shell.end(), argv.begin(), argv.end());
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child, ChildProcess::Spawn({.argv = shell}));
  ASSIGN_OR_RETURN(ExitInfo exit, child->Wait());
  if (!exit.Succeeded()) return InternalError(argv[0] + " " + exit.Describe());
  return OkStatus();
}

struct HearthRun {
  Stages stages;
  int64_t pages = 0;
  std::vector<std::string> chunk_texts;  // embed_text of every chunk
};

StatusOr<HearthRun> RunHearth(const Flags& flags, const std::vector<fs::path>& pdfs) {
  HearthRun run;
  Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<InferenceEngine> engine,
                   InferenceEngine::Open({.model_path = flags.model, .context_length = kContext,
                                          .threads = flags.threads, .batch_size = kContext}));
  ASSIGN_OR_RETURN(std::unique_ptr<VocabTokenizer> tokenizer, VocabTokenizer::Open(flags.model));
  run.stages.emplace_back("load model", Seconds(start));
  double convert = 0, chunk = 0;
  for (const fs::path& pdf : pdfs) {
    start = Clock::now();
    ASSIGN_OR_RETURN(StructuredDocument doc, ConvertFile(pdf, pdf.filename().string(), {}));
    convert += Seconds(start);
    run.pages += doc.page_count;
    start = Clock::now();
    const std::string title = doc.title.empty() ? pdf.filename().string() : doc.title;
    ASSIGN_OR_RETURN(std::vector<Chunk> chunks, ChunkDocument(doc, title, {}, *tokenizer));
    chunk += Seconds(start);
    for (Chunk& c : chunks) run.chunk_texts.push_back(std::move(c.embed_text));
  }
  run.stages.emplace_back("convert (hearth-convert)", convert);
  run.stages.emplace_back("chunk", chunk);
  start = Clock::now();
  for (size_t begin = 0; begin < run.chunk_texts.size(); begin += kEmbedBatch) {
    const size_t end = std::min(run.chunk_texts.size(), begin + kEmbedBatch);
    EmbedRequest request{.inputs = {run.chunk_texts.begin() + static_cast<ptrdiff_t>(begin),
                                    run.chunk_texts.begin() + static_cast<ptrdiff_t>(end)}};
    ASSIGN_OR_RETURN(EmbedResult result, engine->Embed(request, {}));
  }
  run.stages.emplace_back("embed (InferenceEngine)", Seconds(start));
  return run;
}

StatusOr<Stages> RunPeer(const Flags& flags, const std::vector<fs::path>& pdfs,
                         const fs::path& work, const fs::path& chunk_file) {
  Stages stages;
  Clock::time_point start = Clock::now();
  for (const fs::path& pdf : pdfs) {
    RETURN_IF_ERROR(RunQuietly({"/usr/bin/pdftotext", "-q", pdf.string(), (work / "out.txt").string()}));
  }
  stages.emplace_back("pdftotext", Seconds(start));
  start = Clock::now();
  const std::string threads = std::to_string(flags.threads), context = std::to_string(kContext);
  RETURN_IF_ERROR(RunQuietly({flags.llama_embedding.string(), "-m", flags.model.string(), "-f",
                              chunk_file.string(), "--no-escape", "--embd-separator",
                              std::string(kSeparator), "-c", context, "-b", context, "-ub", context,
                              "-t", threads, "-tb", threads, "--embd-normalize", "2",
                              "--embd-output-format", "array"}));
  stages.emplace_back("llama-embedding (load + embed)", Seconds(start));
  return stages;
}

Status WriteChunkFile(const fs::path& path, const std::vector<std::string>& texts) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (size_t i = 0; i < texts.size(); ++i) out << (i ? kSeparator : "") << texts[i];
  if (!out.flush()) return InternalError("cannot write " + path.string());
  return OkStatus();
}

double Total(const Stages& stages) {
  double total = 0;
  for (const auto& [name, seconds] : stages) total += seconds;
  return total;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// "median (min–max)" of seconds.
std::string Summary(const std::vector<double>& values) {
  char text[96];
  std::snprintf(text, sizeof(text), "%.2f (%.2f–%.2f)", Median(values),
                *std::min_element(values.begin(), values.end()),
                *std::max_element(values.begin(), values.end()));
  return text;
}

void PrintStages(std::string_view pipeline, const std::vector<Stages>& runs) {
  for (size_t s = 0; s < runs[0].size(); ++s) {
    std::vector<double> values;
    for (const Stages& run : runs) values.push_back(run[s].second);
    std::printf("| %.*s | %s | %s |\n", static_cast<int>(pipeline.size()), pipeline.data(),
                runs[0][s].first.c_str(), Summary(values).c_str());
  }
  std::vector<double> totals;
  for (const Stages& run : runs) totals.push_back(Total(run));
  std::printf("| %.*s | **total** | **%s** |\n", static_cast<int>(pipeline.size()), pipeline.data(),
              Summary(totals).c_str());
}

void PrintReport(size_t files, int64_t pages, size_t chunks, const std::vector<Stages>& hearth,
                 const std::vector<Stages>& peer) {
  std::printf("%zu PDFs, %lld pages, %zu chunks; %zu interleaved pairs (hearth, peer).\n\n", files,
              static_cast<long long>(pages), chunks, hearth.size());
  std::printf("| pipeline | stage | seconds: median (min–max) |\n|---|---|---:|\n");
  PrintStages("hearth", hearth);
  PrintStages("pdftotext + llama-embedding", peer);
  std::vector<double> hearth_totals, peer_totals;
  for (const Stages& run : hearth) hearth_totals.push_back(Total(run));
  for (const Stages& run : peer) peer_totals.push_back(Total(run));
  const double h = Median(hearth_totals), p = Median(peer_totals);
  const auto rate = [](double count, double seconds) { return count / seconds; };
  std::printf("\n| pipeline | pages/s | chunks/s |\n|---|---:|---:|\n");
  std::printf("| hearth | %.2f | %.2f |\n", rate(static_cast<double>(pages), h),
              rate(static_cast<double>(chunks), h));
  std::printf("| pdftotext + llama-embedding | %.2f | %.2f |\n", rate(static_cast<double>(pages), p),
              rate(static_cast<double>(chunks), p));
  std::printf("| **hearth / peer throughput** | **%.2f** | **%.2f** |\n", p / h, p / h);
}

Status Run(const Flags& flags) {
  ASSIGN_OR_RETURN(std::vector<fs::path> pdfs, Pdfs(flags.pdf_dir));
  if (flags.max_pages > 0) {
    const size_t all = pdfs.size();
    ASSIGN_OR_RETURN(pdfs, AtMostPages(pdfs, flags.max_pages));
    std::printf("The %zu of %zu PDFs with at most %d pages (--max-pages).\n", pdfs.size(), all,
                flags.max_pages);
  }
  const fs::path work = fs::temp_directory_path() / ("hearth-bench-ingest-" + std::to_string(getpid()));
  fs::create_directories(work);
  const fs::path chunk_file = work / "chunks.txt";
  std::vector<Stages> hearth, peer;
  int64_t pages = 0;
  size_t chunks = 0;
  for (int pair = 0; pair < flags.pairs; ++pair) {
    std::fprintf(stderr, "pair %d/%d: hearth...\n", pair + 1, flags.pairs);
    ASSIGN_OR_RETURN(HearthRun run, RunHearth(flags, pdfs));
    if (pair == 0) RETURN_IF_ERROR(WriteChunkFile(chunk_file, run.chunk_texts));
    pages = run.pages;
    chunks = run.chunk_texts.size();
    hearth.push_back(std::move(run.stages));
    std::fprintf(stderr, "pair %d/%d: pdftotext + llama-embedding...\n", pair + 1, flags.pairs);
    ASSIGN_OR_RETURN(Stages stages, RunPeer(flags, pdfs, work, chunk_file));
    peer.push_back(std::move(stages));
  }
  fs::remove_all(work);
  PrintReport(pdfs.size(), pages, chunks, hearth, peer);
  return OkStatus();
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bench::FlagParser parser(
      "hearth-bench-ingest --model FILE --pdf-dir DIR --llama-embedding FILE "
      "[--pairs N >= 1] [--threads N >= 1] [--max-pages N]");
  parser.Path("--model", &flags.model)
      .Path("--pdf-dir", &flags.pdf_dir)
      .Path("--llama-embedding", &flags.llama_embedding)
      .Int("--pairs", &flags.pairs)
      .Int("--threads", &flags.threads)
      .Int("--max-pages", &flags.max_pages);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.model.empty() || flags.pdf_dir.empty() || flags.llama_embedding.empty() ||
      flags.pairs < 1 || flags.threads < 1) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-ingest", argc, argv, hearth::ParseFlags, hearth::Run);
}
