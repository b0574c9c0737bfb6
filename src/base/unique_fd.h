// UniqueFd: sole ownership of a POSIX file descriptor.
//
// The descriptor is closed when the UniqueFd is destroyed or reset, so no
// error path can leak one. Code that needs the result of close() (a file that
// was written: on NFS and some other file systems close reports write errors)
// calls Close() and checks it.
//
//   UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
//   if (!fd.valid()) return PosixError(errno, "cannot open " + path.string());
//   ::read(fd.get(), buffer, size);
//
// Thread-safety: like a std::unique_ptr; one owner at a time.

#ifndef HEARTH_BASE_UNIQUE_FD_H_
#define HEARTH_BASE_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace hearth {

class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes ownership of `fd`; a negative value means "no descriptor".
  explicit UniqueFd(int fd) : fd_(fd) {}

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  bool valid() const { return fd_ >= 0; }
  int get() const { return fd_; }

  // Gives up ownership without closing; returns the descriptor.
  int release() { return std::exchange(fd_, -1); }

  // Closes the held descriptor (ignoring errors) and takes `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

  // Closes the held descriptor and returns close()'s result (0, or -1 with
  // errno set). The descriptor is released either way, as POSIX requires on
  // Linux: retrying close() after an error could close someone else's file.
  int Close() { return fd_ >= 0 ? ::close(release()) : 0; }

 private:
  int fd_ = -1;
};

}  // namespace hearth

#endif  // HEARTH_BASE_UNIQUE_FD_H_
