#include "models/runner_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/posix_error.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

StatusOr<sockaddr_un> SocketAddress(const std::filesystem::path& path) {
  RETURN_IF_ERROR(CheckUnixSocketPath(path));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.native().size() + 1);
  return address;
}

StatusOr<UniqueFd> NewSocket() {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return PosixError(errno, "cannot create a Unix socket");
  return fd;
}

// Removes a socket file left behind by a dead runner; refuses other files.
Status RemoveStaleSocket(const std::filesystem::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    return errno == ENOENT ? OkStatus() : PosixError(errno, "cannot inspect '" + path.string() + "'");
  }
  if (!S_ISSOCK(info.st_mode)) {
    return FailedPreconditionError("'" + path.string() +
                                   "' exists and is not a socket; remove it or choose another path");
  }
  if (::unlink(path.c_str()) != 0) {
    return PosixError(errno, "cannot remove the stale socket '" + path.string() + "'");
  }
  return OkStatus();
}

// Reads exactly `size` bytes into `buffer`. Returns how many were read before
// a clean end of stream (less than `size` only then).
StatusOr<size_t> ReadFully(int fd, char* buffer, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::recv(fd, buffer + done, size - done, 0);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n == 0) {
      break;
    } else if (errno == ECONNRESET) {
      return UnavailableError("the runner connection was reset by the other side");
    } else if (errno != EINTR) {
      return PosixError(errno, "reading from the runner connection");
    }
  }
  return done;
}

}  // namespace

Status CheckUnixSocketPath(const std::filesystem::path& path) {
  constexpr size_t kLimit = sizeof(sockaddr_un{}.sun_path) - 1;
  const size_t length = path.native().size();
  if (length == 0 || length > kLimit) {
    return InvalidArgumentError("socket path '" + path.string() + "' is " +
                                std::to_string(length) + " bytes; Unix sockets allow 1 to " +
                                std::to_string(kLimit) + "; choose a shorter socket directory");
  }
  return OkStatus();
}

StatusOr<UniqueFd> ListenUnixSocket(const std::filesystem::path& path, int backlog) {
  ASSIGN_OR_RETURN(sockaddr_un address, SocketAddress(path));
  RETURN_IF_ERROR(RemoveStaleSocket(path));
  ASSIGN_OR_RETURN(UniqueFd fd, NewSocket());
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return PosixError(errno, "cannot bind the runner socket '" + path.string() + "'");
  }
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd.get(), backlog) != 0) {
    Status error = PosixError(errno, "cannot listen on the runner socket '" + path.string() + "'");
    ::unlink(path.c_str());
    return error;
  }
  return fd;
}

StatusOr<UniqueFd> ConnectUnixSocket(const std::filesystem::path& path) {
  ASSIGN_OR_RETURN(sockaddr_un address, SocketAddress(path));
  ASSIGN_OR_RETURN(UniqueFd fd, NewSocket());
  int result;
  do {
    result = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED) {
      return UnavailableError("nothing listens on the runner socket '" + path.string() + "'");
    }
    return PosixError(errno, "cannot connect to the runner socket '" + path.string() + "'");
  }
  return fd;
}

Status WriteFrame(int fd, const Frame& frame) {
  RETURN_IF_ERROR(CheckPayloadSize(FrameTypeName(frame.type), frame.payload.size()));
  const std::string bytes = EncodeFrame(frame);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<size_t>(n);
    } else if (errno == EPIPE || errno == ECONNRESET) {
      return UnavailableError("the runner connection was closed by the other side");
    } else if (errno != EINTR) {
      return PosixError(errno, "writing to the runner connection");
    }
  }
  return OkStatus();
}

StatusOr<std::optional<Frame>> ReadFrame(int fd) {
  char header_bytes[kFrameHeaderSize];
  ASSIGN_OR_RETURN(size_t got, ReadFully(fd, header_bytes, sizeof header_bytes));
  if (got == 0) return std::optional<Frame>();
  if (got < sizeof header_bytes) {
    return UnavailableError("the runner connection ended in the middle of a frame header");
  }
  ASSIGN_OR_RETURN(FrameHeader header,
                   DecodeFrameHeader(std::string_view(header_bytes, sizeof header_bytes)));
  Frame frame{header.type, header.request_id, std::string(header.payload_length, '\0')};
  ASSIGN_OR_RETURN(got, ReadFully(fd, frame.payload.data(), frame.payload.size()));
  if (got < frame.payload.size()) {
    return UnavailableError("the runner connection ended in the middle of a " +
                            std::string(FrameTypeName(header.type)) + " frame");
  }
  return std::optional<Frame>(std::move(frame));
}

StatusOr<bool> WaitReadable(int fd, std::chrono::milliseconds timeout) {
  pollfd entry{.fd = fd, .events = POLLIN | POLLRDHUP, .revents = 0};
  int result = ::poll(&entry, 1, static_cast<int>(timeout.count()));
  if (result < 0) {
    if (errno == EINTR) return false;
    return PosixError(errno, "waiting on the runner connection");
  }
  return result > 0;
}

}  // namespace hearth
