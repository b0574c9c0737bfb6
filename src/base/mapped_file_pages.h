// Giving back the resident pages of a memory-mapped file that this process
// no longer reads.
//
// llama.cpp maps a model file and, for the weights its CPU backend repacks
// into a faster layout (Q4_0, Q4_K, IQ4_NL, ... on AVX2), copies them out of
// the mapping into memory of its own. The pages it copied from stay mapped
// and resident: the process holds those weights twice, and its resident set
// (which the scheduler charges against the budget) is about 1.2x the model.
// Advising the kernel that the mapping is not needed (MADV_DONTNEED) drops
// the pages from this process only: they stay in the page cache, and any
// page still read later (a weight that was not repacked, e.g. a tied output
// matrix) is faulted back in from there with the same contents.
//
// Thread-safety: thread-safe (reads /proc/self/maps; madvise is per range).
#ifndef HEARTH_BASE_MAPPED_FILE_PAGES_H_
#define HEARTH_BASE_MAPPED_FILE_PAGES_H_

#include <cstdint>
#include <filesystem>

#include "base/status.h"

namespace hearth {

// Drops this process's resident pages of every read-only mapping of `file`
// (matched by device and inode, so any path to it works). Returns the bytes
// of address space advised (0 when the file is not mapped). Errors: the
// file cannot be stat'ed, /proc/self/maps cannot be read, or madvise fails.
StatusOr<uint64_t> ReleaseMappedFilePages(const std::filesystem::path& file);

// This process's resident bytes of its mappings of `file` (the Rss of their
// /proc/self/smaps entries); 0 when it is not mapped.
StatusOr<uint64_t> MappedFileResidentBytes(const std::filesystem::path& file);

}  // namespace hearth

#endif  // HEARTH_BASE_MAPPED_FILE_PAGES_H_
