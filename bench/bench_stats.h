// Summaries of repeated measurements for the benchmark tables: the median
// and the range, formatted "median (min–max)", and the ratio of two medians.
//
// Thread-safety: pure functions.
//
// Example:
//   std::vector<double> hearth = {23.1, 23.6, 22.9}, peer = {23.8, 24.0, 23.5};
//   std::printf("| %s | %s | %.3f |\n", Summary(hearth, 1).c_str(), Summary(peer, 1).c_str(),
//               Median(hearth) / Median(peer));
#ifndef HEARTH_BENCH_BENCH_STATS_H_
#define HEARTH_BENCH_BENCH_STATS_H_

#include <string>
#include <vector>

namespace hearth::bench {

// The median of `values` (the mean of the middle two for an even count); 0
// for none.
double Median(std::vector<double> values);

// "median (min–max)" with `decimals` digits after the point; "-" for none.
std::string Summary(const std::vector<double>& values, int decimals);

// "yes" when `ratio` meets the target (at least `target` when
// `higher_is_better`, else at most), otherwise "**no**".
std::string MeetsTarget(double ratio, double target, bool higher_is_better);

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_BENCH_STATS_H_
