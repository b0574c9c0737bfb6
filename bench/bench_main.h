// The main() of the benchmark programs: parse the flags, run, and on an
// error print "PROGRAM: message" on stderr and exit 1.
//
//   int main(int argc, char** argv) {
//     return hearth::bench::BenchMain("hearth-bench-x", argc, argv, ParseFlags, Run);
//   }
#ifndef HEARTH_BENCH_BENCH_MAIN_H_
#define HEARTH_BENCH_BENCH_MAIN_H_

#include <cstdio>

#include "base/status.h"

namespace hearth::bench {

// `parse(argc, argv)` gives a StatusOr of the flags; `run(flags)` a Status.
template <typename Parse, typename Run>
int BenchMain(const char* program, int argc, char** argv, Parse parse, Run run) {
  auto flags = parse(argc, argv);
  const Status status = flags.ok() ? run(*flags) : flags.status();
  if (status.ok()) return 0;
  std::fprintf(stderr, "%s: %s\n", program, status.ToString().c_str());
  return 1;
}

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_BENCH_MAIN_H_
