// A file's pages in the kernel's page cache, for the cold-load benchmark:
// how much of it is cached, and dropping it without root (drop_caches needs
// root and empties the cache of everyone on the machine).
//
// Thread-safety: thread-safe (each call opens the file itself).
//
// Example:
//   RETURN_IF_ERROR(EvictFromPageCache(model));
//   ASSIGN_OR_RETURN(double cached, CachedFraction(model));  // ~0 unless mapped elsewhere
#ifndef HEARTH_BENCH_PAGE_CACHE_H_
#define HEARTH_BENCH_PAGE_CACHE_H_

#include <filesystem>

#include "base/status.h"

namespace hearth::bench {

// Asks the kernel to drop the file's clean cached pages
// (posix_fadvise(POSIX_FADV_DONTNEED)). Pages that a process has mapped stay.
// Errors: the system's for a file that cannot be opened.
Status EvictFromPageCache(const std::filesystem::path& file);

// The fraction (0..1) of the file's pages that are in the page cache, from
// mincore(2) over a read-only mapping. Errors: the system's.
StatusOr<double> CachedFraction(const std::filesystem::path& file);

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_PAGE_CACHE_H_
