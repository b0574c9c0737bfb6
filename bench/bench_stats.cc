#include "bench/bench_stats.h"

#include <algorithm>
#include <cstdio>

namespace hearth::bench {

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string Summary(const std::vector<double>& values, int decimals) {
  if (values.empty()) return "-";
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  char text[128];
  std::snprintf(text, sizeof text, "%.*f (%.*f–%.*f)", decimals, Median(values), decimals, *low,
                decimals, *high);
  return text;
}

std::string MeetsTarget(double ratio, double target, bool higher_is_better) {
  const bool met = higher_is_better ? ratio >= target : ratio <= target;
  return met ? "yes" : "**no**";
}

}  // namespace hearth::bench
