// A STREAM-like probe of the machine's memory bandwidth: arrays far larger
// than the caches, split across threads, each kernel timed over the whole
// array; the best of several passes is reported, as STREAM does.
//
//   read   sum += a[i]            8 bytes per element (what decoding does:
//                                 it streams the weights in, writes little)
//   copy   c[i] = a[i]            16 bytes per element
//   triad  a[i] = b[i] + s*c[i]   24 bytes per element
// Written stores are counted once (no write-allocate traffic), as STREAM
// counts them.
//
// Thread-safety: MeasureBandwidth may run concurrently with anything; it
// uses its own threads and memory.
//
// Example:
//   StreamResult r = MeasureBandwidth({.threads = 2});
//   std::printf("read %.1f GB/s\n", r.read_gbps);
#ifndef HEARTH_BENCH_STREAM_PROBE_H_
#define HEARTH_BENCH_STREAM_PROBE_H_

#include <cstddef>

namespace hearth::bench {

struct StreamOptions {
  int threads = 2;
  // Elements (doubles) per array; three arrays. The default, 16 Mi, is
  // 128 MiB per array: far past any cache on this machine.
  size_t elements = size_t{16} << 20;
  int passes = 5;  // the best pass counts
};

// Bandwidth in GB/s (10^9 bytes per second).
struct StreamResult {
  double read_gbps = 0;
  double copy_gbps = 0;
  double triad_gbps = 0;
};

StreamResult MeasureBandwidth(const StreamOptions& options);

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_STREAM_PROBE_H_
