// HomeLock: who is using a hearth data directory. `hearth serve` and
// `hearth backup` hold it shared for as long as they run; `hearth restore`
// holds it exclusively, so a restore never runs under a live server and a
// server never starts in the middle of a restore.
//
// It is an flock(2) on $HEARTH_HOME/hearth.lock (created, mode 0600): the
// kernel drops it when the process ends, kill -9 included, so a crash never
// leaves a stale lock. The descriptor is close-on-exec: runner and converter
// children do not hold it.
//
// Thread model: a HomeLock is a value owned by one thread; destroying it (or
// the process ending) releases the lock.
//
// Example:
//   ASSIGN_OR_RETURN(HomeLock lock, HomeLock::Acquire(home, HomeLock::Mode::kExclusive));
//   ... replace the files under home ...
#ifndef HEARTH_STORE_HOME_LOCK_H_
#define HEARTH_STORE_HOME_LOCK_H_

#include <filesystem>

#include "base/status.h"
#include "base/unique_fd.h"

namespace hearth {

class HomeLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Takes the lock on `home` (which must exist) without waiting.
  // Errors: Unavailable when another process holds it in a conflicting mode:
  // for kExclusive "a hearth server (or backup) is using <home>; stop it
  // first", for kShared "<home> is being restored; wait for hearth restore to
  // finish"; the file system's errors otherwise.
  static StatusOr<HomeLock> Acquire(const std::filesystem::path& home, Mode mode);

  HomeLock(HomeLock&&) = default;
  HomeLock& operator=(HomeLock&&) = default;

 private:
  explicit HomeLock(UniqueFd file) : file_(std::move(file)) {}

  UniqueFd file_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_HOME_LOCK_H_
