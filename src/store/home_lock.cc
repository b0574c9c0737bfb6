#include "store/home_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <string>

#include "base/escaping.h"
#include "base/posix_error.h"

namespace hearth {

StatusOr<HomeLock> HomeLock::Acquire(const std::filesystem::path& home, Mode mode) {
  const std::filesystem::path path = home / "hearth.lock";
  UniqueFd file(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!file.valid())
    return PosixError(errno, "cannot open the lock file " + QuoteForDisplay(path.string(), 4096));
  const int operation = (mode == Mode::kExclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  while (::flock(file.get(), operation) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      return PosixError(errno, "cannot lock " + QuoteForDisplay(path.string(), 4096));
    const std::string where = QuoteForDisplay(home.string(), 4096);
    if (mode == Mode::kExclusive) {
      return UnavailableError("a hearth server (or a backup) is using " + where +
                              "; stop it first");
    }
    return UnavailableError(where + " is being restored; wait for hearth restore to finish");
  }
  return HomeLock(std::move(file));
}

}  // namespace hearth
