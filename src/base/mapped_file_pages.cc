#include "base/mapped_file_pages.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "base/posix_error.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

struct FileMapping {
  uintptr_t start = 0;
  uintptr_t end = 0;
  bool writable = false;
};

// The entries of /proc/self/maps (or of smaps' header lines) for the file
// with device `dev` and inode `inode`; `rss` (when given) gets each entry's
// Rss in bytes from /proc/self/smaps.
StatusOr<std::vector<FileMapping>> MappingsOf(const std::filesystem::path& file,
                                              std::vector<uint64_t>* rss) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return PosixError(errno, "cannot stat " + file.string());
  const char* source = rss != nullptr ? "/proc/self/smaps" : "/proc/self/maps";
  std::ifstream maps(source);
  if (!maps) return InternalError(std::string("cannot read ") + source);
  std::vector<FileMapping> mappings;
  bool in_match = false;
  for (std::string line; std::getline(maps, line);) {
    uintptr_t start = 0, end = 0;
    char perms[5] = {};
    unsigned dev_major = 0, dev_minor = 0;
    uint64_t offset = 0, inode = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR " %4s %" SCNx64 " %x:%x %" SCNu64, &start,
                    &end, perms, &offset, &dev_major, &dev_minor, &inode) == 7) {
      in_match = inode == info.st_ino && dev_major == major(info.st_dev) &&
                 dev_minor == minor(info.st_dev);
      if (in_match) {
        mappings.push_back({start, end, perms[1] == 'w'});
        if (rss != nullptr) rss->push_back(0);
      }
      continue;
    }
    uint64_t kib = 0;
    if (in_match && rss != nullptr && std::sscanf(line.c_str(), "Rss: %" SCNu64 " kB", &kib) == 1) {
      rss->back() = kib * 1024;
    }
  }
  return mappings;
}

}  // namespace

StatusOr<uint64_t> ReleaseMappedFilePages(const std::filesystem::path& file) {
  ASSIGN_OR_RETURN(std::vector<FileMapping> mappings, MappingsOf(file, nullptr));
  uint64_t advised = 0;
  for (const FileMapping& mapping : mappings) {
    // A writable private mapping may hold changes that exist nowhere else.
    if (mapping.writable) continue;
    if (::madvise(reinterpret_cast<void*>(mapping.start), mapping.end - mapping.start,
                  MADV_DONTNEED) != 0) {
      return PosixError(errno, "cannot release the mapped pages of " + file.string());
    }
    advised += mapping.end - mapping.start;
  }
  return advised;
}

StatusOr<uint64_t> MappedFileResidentBytes(const std::filesystem::path& file) {
  std::vector<uint64_t> rss;
  RETURN_IF_ERROR(MappingsOf(file, &rss).status());
  uint64_t total = 0;
  for (uint64_t bytes : rss) total += bytes;
  return total;
}

}  // namespace hearth
