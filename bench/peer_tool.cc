#include "bench/peer_tool.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>

#include "base/child_process.h"
#include "base/status_macros.h"

namespace hearth::bench {
namespace {

// Reads both pipes until both are closed, so neither can fill and block the
// child.
void DrainPipes(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

}  // namespace

StatusOr<ToolOutput> RunTool(const std::vector<std::string>& argv) {
  ToolOutput output;
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child,
                   ChildProcess::Spawn({.argv = argv, .capture_stdout = true, .capture_stderr = true}));
  DrainPipes(child->stdout_fd(), child->stderr_fd(), output.stdout_text, output.stderr_text);
  ASSIGN_OR_RETURN(ExitInfo exit, child->Wait());
  output.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!exit.Succeeded()) {
    const std::string& err = output.stderr_text;
    return InternalError(argv[0] + " " + exit.Describe() + "; the end of its stderr: " +
                         (err.size() > 1500 ? err.substr(err.size() - 1500) : err));
  }
  return output;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

}  // namespace hearth::bench
