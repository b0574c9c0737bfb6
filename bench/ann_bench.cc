// hearth-bench-ann: hearth's VectorIndex (usearch HNSW, f16 and i8) against
// hnswlib and exact brute-force search, on N 384-d unit vectors shaped like
// embeddings and 1000 queries. For each index: build time, memory (the RSS
// the build added and the index's own estimate), and single-threaded QPS at
// the smallest search expansion (ef) from a fixed ladder that finds at least
// 95% of the exact top 10, then measured again in 5 rounds that interleave
// the indexes (median and range). Prints a markdown table and the ratios.
//
//   hearth-bench-ann [N] [--indexes f16,i8,hnswlib]   (default 100000, all three)
//
// --indexes builds only the named indexes (exact search always runs: it is
// the ground truth), e.g. to profile one of them at 1M without waiting for
// the others' builds.
//
// Both HNSW indexes use M = 16 and efConstruction = 128 and are built on
// one thread per core: hearth's VectorIndex::AddBatch does that itself for
// a batch this large (as when an index is rebuilt from the store), hnswlib
// gets the same number of threads calling addPoint, as its own Python
// binding does. Searches run on one thread. Vectors: a random point of a
// 32-d latent space mapped into 384-d plus noise, as in
// rag/vector_index_test.cc (i.i.d. noise has no neighbourhoods, so recall on
// it says nothing).
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/bench_stats.h"
#include "rag/vector_index.h"

#ifdef HEARTH_HAVE_HNSWLIB
#include <hnswlib/hnswlib.h>
#endif

namespace hearth {
namespace {

constexpr size_t kDims = 384;
constexpr size_t kLatent = 32;
constexpr size_t kQueries = 1000;
constexpr size_t kTop = 10;
constexpr size_t kConnectivity = 16;
constexpr size_t kExpansionAdd = 128;
constexpr double kTargetRecall = 0.95;
constexpr std::array<size_t, 13> kEfLadder = {10, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 256, 512};

using Clock = std::chrono::steady_clock;
using bench::Median;
using bench::Summary;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::vector<float> EmbeddingLikeVectors(size_t count, uint32_t seed) {
  std::normal_distribution<float> normal;
  std::mt19937 basis_rng(777);
  std::vector<float> basis(kLatent * kDims);
  for (float& value : basis) value = normal(basis_rng);
  std::mt19937 rng(seed);
  std::vector<float> out(count * kDims);
  std::array<float, kLatent> latent;
  for (size_t i = 0; i < count; ++i) {
    for (float& value : latent) value = normal(rng);
    float* row = &out[i * kDims];
    float norm = 0;
    for (size_t d = 0; d < kDims; ++d) {
      float value = 0.3f * normal(rng);
      for (size_t k = 0; k < kLatent; ++k) value += latent[k] * basis[k * kDims + d];
      row[d] = value;
      norm += value * value;
    }
    for (size_t d = 0; d < kDims; ++d) row[d] /= std::sqrt(norm);
  }
  return out;
}

// Eight partial sums so the compiler vectorizes without reassociating.
float Dot(const float* a, const float* b) {
  std::array<float, 8> sums{};
  for (size_t d = 0; d < kDims; d += 8) {
    for (size_t j = 0; j < 8; ++j) sums[j] += a[d + j] * b[d + j];
  }
  float total = 0;
  for (float sum : sums) total += sum;
  return total;
}

std::vector<uint64_t> ExactTop(const std::vector<float>& base, const float* query) {
  const size_t count = base.size() / kDims;
  std::vector<std::pair<float, uint64_t>> scored(count);
  for (size_t i = 0; i < count; ++i) scored[i] = {-Dot(&base[i * kDims], query), i};
  std::partial_sort(scored.begin(), scored.begin() + kTop, scored.end());
  std::vector<uint64_t> keys(kTop);
  for (size_t i = 0; i < kTop; ++i) keys[i] = scored[i].second;
  return keys;
}

// One approximate index under test.
class AnnIndex {
 public:
  virtual ~AnnIndex() = default;
  virtual std::string name() const = 0;
  virtual void Build(const std::vector<float>& base) = 0;
  virtual void SetEf(size_t ef) = 0;
  virtual std::vector<uint64_t> Search(const float* query) const = 0;
  virtual size_t EstimatedBytes() const = 0;
};

void Check(const Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "hearth-bench-ann: %s\n", status.ToString().c_str());
  std::exit(1);
}

// The threads each build uses: one per core.
unsigned BuildThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

class HearthIndex final : public AnnIndex {
 public:
  explicit HearthIndex(VectorScalar scalar) : scalar_(scalar) {}
  std::string name() const override {
    return std::string("hearth VectorIndex ") + std::string(VectorScalarName(scalar_));
  }
  void Build(const std::vector<float>& base) override {
    StatusOr<std::unique_ptr<VectorIndex>> index = VectorIndex::Create(
        {.dimensions = kDims, .scalar = scalar_, .connectivity = kConnectivity,
         .expansion_add = kExpansionAdd});
    Check(index.status());
    index_ = std::move(*index);
    std::vector<uint64_t> keys(base.size() / kDims);
    for (size_t i = 0; i < keys.size(); ++i) keys[i] = i;
    Check(index_->AddBatch(keys, base));
  }
  void SetEf(size_t ef) override { Check(index_->SetExpansionSearch(ef)); }
  std::vector<uint64_t> Search(const float* query) const override {
    StatusOr<std::vector<VectorMatch>> matches =
        index_->Search(std::span<const float>(query, kDims), kTop);
    Check(matches.status());
    std::vector<uint64_t> keys;
    for (const VectorMatch& match : *matches) keys.push_back(match.key);
    return keys;
  }
  size_t EstimatedBytes() const override { return index_->memory_bytes(); }

 private:
  const VectorScalar scalar_;
  std::unique_ptr<VectorIndex> index_;
};

#ifdef HEARTH_HAVE_HNSWLIB
class HnswlibIndex final : public AnnIndex {
 public:
  HnswlibIndex() : space_(kDims) {}
  std::string name() const override { return "hnswlib 0.6.2 f32"; }
  void Build(const std::vector<float>& base) override {
    const size_t count = base.size() / kDims;
    index_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space_, count, kConnectivity,
                                                               kExpansionAdd);
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < count;) index_->addPoint(&base[i * kDims], i);
    };
    std::vector<std::jthread> workers;
    for (unsigned t = 1; t < BuildThreads(); ++t) workers.emplace_back(work);
    work();
  }
  void SetEf(size_t ef) override { index_->setEf(ef); }
  std::vector<uint64_t> Search(const float* query) const override {
    auto queue = index_->searchKnn(query, kTop);
    std::vector<uint64_t> keys;
    for (; !queue.empty(); queue.pop()) keys.push_back(queue.top().second);
    return keys;
  }
  // Its own allocations: level-0 records (links, vector, label) for
  // max_elements, and the upper-level link lists.
  size_t EstimatedBytes() const override {
    size_t bytes = index_->max_elements_ * (index_->size_data_per_element_ + sizeof(void*));
    for (size_t i = 0; i < index_->cur_element_count; ++i) {
      bytes += static_cast<size_t>(index_->element_levels_[i]) * index_->size_links_per_element_;
    }
    return bytes;
  }

 private:
  hnswlib::InnerProductSpace space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index_;
};
#endif

// QPS is measured in this many rounds that interleave the indexes (A B C A
// B C ...), after each index's ef is chosen; the table has the median and
// the range.
constexpr int kQpsRounds = 5;

struct Result {
  std::string name;
  size_t ef = 0;  // 0: exact
  double recall = 0;
  std::vector<double> qps;  // per round (exact: one pass, the ground truth)
  double build_seconds = 0;
  size_t rss_bytes = 0;
  size_t estimated_bytes = 0;
};

struct Data {
  std::vector<float> base;
  std::vector<float> queries;
  std::vector<std::vector<uint64_t>> truth;
};

// Runs every query; returns {recall, queries per second}.
template <typename SearchFn>
std::pair<double, double> RunQueries(const Data& data, SearchFn search) {
  size_t found = 0;
  const Clock::time_point start = Clock::now();
  std::vector<std::vector<uint64_t>> answers(kQueries);
  for (size_t q = 0; q < kQueries; ++q) answers[q] = search(&data.queries[q * kDims]);
  const double seconds = Seconds(start);
  for (size_t q = 0; q < kQueries; ++q) {
    const std::set<uint64_t> got(answers[q].begin(), answers[q].end());
    for (uint64_t key : data.truth[q]) found += got.count(key);
  }
  return {static_cast<double>(found) / static_cast<double>(kQueries * kTop), kQueries / seconds};
}

// Builds `index` and finds its ef; the index stays built for the QPS rounds.
Result Measure(AnnIndex& index, const Data& data) {
  Result result{.name = index.name()};
  malloc_trim(0);
  const size_t rss_before = RssBytes();
  const Clock::time_point start = Clock::now();
  index.Build(data.base);
  result.build_seconds = Seconds(start);
  result.rss_bytes = RssBytes() - rss_before;
  result.estimated_bytes = index.EstimatedBytes();
  for (size_t ef : kEfLadder) {
    index.SetEf(ef);
    double qps = 0;
    std::tie(result.recall, qps) =
        RunQueries(data, [&](const float* query) { return index.Search(query); });
    result.ef = ef;
    std::fprintf(stderr, "  %s ef=%zu recall=%.4f qps=%.0f\n", result.name.c_str(), ef,
                 result.recall, qps);
    if (result.recall >= kTargetRecall) break;
  }
  return result;
}

// kQpsRounds rounds over the built indexes, each at its chosen ef.
void MeasureQps(const std::vector<std::unique_ptr<AnnIndex>>& indexes,
                std::vector<Result>& results, const Data& data) {
  for (int round = 0; round < kQpsRounds; ++round) {
    for (size_t i = 0; i < indexes.size(); ++i) {
      const double qps =
          RunQueries(data, [&](const float* query) { return indexes[i]->Search(query); }).second;
      results[i].qps.push_back(qps);
      std::fprintf(stderr, "  round %d: %s qps=%.0f\n", round + 1, results[i].name.c_str(), qps);
    }
  }
}

void PrintTable(size_t count, const std::vector<Result>& results) {
  std::printf("| index | ef | recall@10 | QPS (1 thread), median (min–max) of %d | build s (%u threads) | RSS added MB | bytes/vector (RSS) | bytes/vector (estimate) |\n",
              kQpsRounds, BuildThreads());
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const Result& r : results) {
    const bool exact = r.ef == 0;
    const std::string ef = exact ? "exact" : std::to_string(r.ef);
    char build[32] = "-";
    if (!exact) std::snprintf(build, sizeof(build), "%.1f", r.build_seconds);
    std::printf("| %s | %s | %.4f | %s | %s | %.1f | %.0f | %.0f |\n", r.name.c_str(),
                ef.c_str(), r.recall, Summary(r.qps, 0).c_str(), build, static_cast<double>(r.rss_bytes) / 1e6,
                static_cast<double>(r.rss_bytes) / static_cast<double>(count),
                static_cast<double>(r.estimated_bytes) / static_cast<double>(count));
  }
}

void PrintRatios(const std::vector<Result>& results) {
  const Result* peer = nullptr;
  for (const Result& r : results) {
    if (r.name.starts_with("hnswlib")) peer = &r;
  }
  if (peer == nullptr) {
    std::printf("\nNo ratios: no hnswlib index in this run (left out by --indexes, or libhnswlib-dev was\n"
                "missing when CMake ran).\n");
    return;
  }
  std::printf("\n| hearth / hnswlib | QPS | build time | memory (RSS) | memory (estimate) |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Result& r : results) {
    if (!r.name.starts_with("hearth")) continue;
    std::printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", r.name.c_str(),
                Median(r.qps) / Median(peer->qps),
                r.build_seconds / peer->build_seconds,
                static_cast<double>(r.rss_bytes) / static_cast<double>(peer->rss_bytes),
                static_cast<double>(r.estimated_bytes) / static_cast<double>(peer->estimated_bytes));
  }
}

int Run(size_t count, const std::set<std::string>& wanted) {
  std::fprintf(stderr, "generating %zu vectors and %zu queries...\n", count, kQueries);
  Data data{.base = EmbeddingLikeVectors(count, 1), .queries = EmbeddingLikeVectors(kQueries, 2)};
  std::vector<Result> results;
  Result exact{.name = "exact (brute force, f32)", .recall = 1};
  const Clock::time_point start = Clock::now();
  for (size_t q = 0; q < kQueries; ++q) data.truth.push_back(ExactTop(data.base, &data.queries[q * kDims]));
  exact.qps = {kQueries / Seconds(start)};
  exact.rss_bytes = exact.estimated_bytes = data.base.size() * sizeof(float);
  std::vector<std::unique_ptr<AnnIndex>> indexes;
  if (wanted.contains("f16")) indexes.push_back(std::make_unique<HearthIndex>(VectorScalar::kF16));
  if (wanted.contains("i8")) indexes.push_back(std::make_unique<HearthIndex>(VectorScalar::kI8));
#ifdef HEARTH_HAVE_HNSWLIB
  if (wanted.contains("hnswlib")) indexes.push_back(std::make_unique<HnswlibIndex>());
#endif
  for (std::unique_ptr<AnnIndex>& index : indexes) results.push_back(Measure(*index, data));
  MeasureQps(indexes, results, data);
  results.push_back(exact);
  std::printf("N = %zu vectors of %zu dimensions, %zu queries, top %zu, M = %zu, efConstruction = %zu;\n"
              "ef: the smallest of the ladder with recall@10 >= %.2f. Exact search's memory is the raw f32 vectors.\n\n",
              count, kDims, kQueries, kTop, kConnectivity, kExpansionAdd, kTargetRecall);
  PrintTable(count, results);
  PrintRatios(results);
  return 0;
}

// The index names --indexes accepts.
std::set<std::string> AllIndexNames() { return {"f16", "i8", "hnswlib"}; }

// Parses "a,b,c" into names from AllIndexNames(); empty on an unknown or empty name.
std::set<std::string> ParseIndexNames(const std::string& list) {
  const std::set<std::string> known = AllIndexNames();
  std::set<std::string> names;
  for (size_t start = 0; start <= list.size();) {
    const size_t end = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, end - start);
    if (!known.contains(name)) return {};
    names.insert(name);
    start = end + 1;
  }
  return names;
}

}  // namespace
}  // namespace hearth

int main(int argc, char** argv) {
  const auto usage = [] {
    std::fprintf(stderr, "usage: hearth-bench-ann [N >= 10] [--indexes f16,i8,hnswlib]  (default 100000, all)\n");
    return 2;
  };
  size_t count = 100000;
  std::set<std::string> wanted = hearth::AllIndexNames();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--indexes" && i + 1 < argc) {
      wanted = hearth::ParseIndexNames(argv[++i]);
      if (wanted.empty()) return usage();
    } else if (i == 1 && !arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
      count = std::strtoull(arg.c_str(), nullptr, 10);
    } else {
      return usage();
    }
  }
  if (count < hearth::kTop) return usage();
  try {
    return hearth::Run(count, wanted);
  } catch (const std::exception& e) {  // hnswlib reports errors by throwing
    std::fprintf(stderr, "hearth-bench-ann: %s\n", e.what());
    return 1;
  }
}
