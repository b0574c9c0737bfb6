#include "bench/stream_probe.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace hearth::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs kernel(begin, end) on `threads` threads over [0, n); seconds taken.
double TimeParallel(int threads, size_t n, const std::function<void(size_t, size_t)>& kernel) {
  std::vector<std::thread> workers;
  const Clock::time_point start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    const size_t begin = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
    const size_t end = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
    workers.emplace_back(kernel, begin, end);
  }
  for (std::thread& worker : workers) worker.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

StreamResult MeasureBandwidth(const StreamOptions& options) {
  const size_t n = options.elements;
  // Each thread first touches the part it will use (first-touch placement).
  std::vector<double> a(n), b(n), c(n);
  TimeParallel(options.threads, n, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) a[i] = 1.0, b[i] = 2.0, c[i] = 0.5;
  });
  std::vector<double> sums(static_cast<size_t>(options.threads));
  double best_read = 1e9, best_copy = 1e9, best_triad = 1e9;
  for (int pass = 0; pass < options.passes; ++pass) {
    best_read = std::min(best_read, TimeParallel(options.threads, n, [&](size_t begin, size_t end) {
      // Eight independent sums, so the adds' latency does not bound the
      // loop below the memory's speed (no -ffast-math to reassociate).
      double sum[8] = {};
      size_t i = begin;
      for (; i + 8 <= end; i += 8) {
        for (int k = 0; k < 8; ++k) sum[k] += a[i + static_cast<size_t>(k)];
      }
      for (; i < end; ++i) sum[0] += a[i];
      for (int k = 1; k < 8; ++k) sum[0] += sum[k];
      sums[begin * static_cast<size_t>(options.threads) / n] += sum[0];
    }));
    best_copy = std::min(best_copy, TimeParallel(options.threads, n, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) c[i] = a[i];
    }));
    best_triad = std::min(best_triad, TimeParallel(options.threads, n, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) a[i] = b[i] + 3.0 * c[i];
    }));
  }
  // The sums are used, so the read kernel cannot be optimized away.
  volatile double sink = 0;
  for (double sum : sums) sink = sink + sum;
  const double bytes = static_cast<double>(n) * sizeof(double);
  return {.read_gbps = bytes / best_read / 1e9,
          .copy_gbps = 2 * bytes / best_copy / 1e9,
          .triad_gbps = 3 * bytes / best_triad / 1e9};
}

}  // namespace hearth::bench
