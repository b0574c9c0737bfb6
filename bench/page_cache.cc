#include "bench/page_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "base/posix_error.h"
#include "base/unique_fd.h"

namespace hearth::bench {

Status EvictFromPageCache(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(errno, "cannot open " + file.string());
  const int error = ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
  if (error != 0) return PosixError(error, "posix_fadvise(DONTNEED) on " + file.string());
  return OkStatus();
}

StatusOr<double> CachedFraction(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return PosixError(errno, "cannot open " + file.string());
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return PosixError(errno, "cannot stat " + file.string());
  if (info.st_size == 0) return 0.0;
  const size_t size = static_cast<size_t>(info.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd.get(), 0);
  if (map == MAP_FAILED) return PosixError(errno, "cannot map " + file.string());
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> pages((size + page - 1) / page);
  const int result = ::mincore(map, size, pages.data());
  const int error = errno;
  ::munmap(map, size);
  if (result != 0) return PosixError(error, "mincore on " + file.string());
  size_t cached = 0;
  for (unsigned char flags : pages) cached += flags & 1;
  return static_cast<double>(cached) / static_cast<double>(pages.size());
}

}  // namespace hearth::bench
