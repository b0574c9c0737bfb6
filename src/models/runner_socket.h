// Unix stream sockets for the runner protocol: listening, connecting, and
// moving whole frames (models/runner_protocol.h) across a connection.
//
// Writes use MSG_NOSIGNAL, so a peer that went away is an Unavailable error,
// never a SIGPIPE. Reads allocate at most the payload length the header
// announced, which DecodeFrameHeader has already bounded.
//
// Thread-safety: the functions are thread-safe. On one connection, one
// thread may read while another writes; two concurrent writers (or readers)
// would interleave frames.
#ifndef HEARTH_MODELS_RUNNER_SOCKET_H_
#define HEARTH_MODELS_RUNNER_SOCKET_H_

#include <chrono>
#include <filesystem>
#include <optional>

#include "base/status.h"
#include "base/unique_fd.h"
#include "models/runner_protocol.h"

namespace hearth {

// InvalidArgument when `path` does not fit a sockaddr_un (107 bytes and a
// terminating NUL); the message names the path, its length and the limit.
Status CheckUnixSocketPath(const std::filesystem::path& path);

// Binds a listening socket at `path`, readable and writable by the owner
// only. A socket file left at `path` by a dead process is replaced; any other
// kind of file there is FailedPrecondition. The caller unlinks the path when
// done.
StatusOr<UniqueFd> ListenUnixSocket(const std::filesystem::path& path, int backlog);

// Connects to the socket at `path`. Unavailable when nothing listens there
// (no file, or connection refused).
StatusOr<UniqueFd> ConnectUnixSocket(const std::filesystem::path& path);

// Sends the whole frame. Unavailable when the peer has closed the connection.
Status WriteFrame(int fd, const Frame& frame);

// Reads one whole frame; nullopt when the peer closed the connection cleanly
// before the next header. Errors: InvalidArgument for a garbled header
// (see DecodeFrameHeader), Unavailable when the connection was reset or
// ended in the middle of a frame.
StatusOr<std::optional<Frame>> ReadFrame(int fd);

// Waits at most `timeout` for `fd` to have data (or an end of stream) to
// read; true if it does.
StatusOr<bool> WaitReadable(int fd, std::chrono::milliseconds timeout);

}  // namespace hearth

#endif  // HEARTH_MODELS_RUNNER_SOCKET_H_
