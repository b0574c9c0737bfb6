#include "rag/document_converter.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "base/child_process.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "rag/document_wire.h"

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;

// Only the start of stderr matters (the child writes one line).
constexpr size_t kMaxStderrBytes = 4096;

// What the parent gathered from a child's pipes.
struct ChildOutput {
  std::string stdout_bytes;
  std::string stderr_bytes;
  bool timed_out = false;
  bool output_too_large = false;
};

// Reads both pipes until both reach end of file, so a child that fills its
// stderr pipe never blocks while the parent waits on stdout (or the reverse).
// Stops early at the deadline or when stdout exceeds `max_stdout`.
class PipeDrainer {
 public:
  PipeDrainer(const ChildProcess& child, uint64_t max_stdout, Clock::time_point deadline)
      : child_(child), max_stdout_(max_stdout), deadline_(deadline) {}

  StatusOr<ChildOutput> Drain() {
    bool stdout_open = true;
    bool stderr_open = true;
    while (stdout_open || stderr_open) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
      if (left.count() <= 0) {
        output_.timed_out = true;
        break;
      }
      pollfd fds[2] = {{stdout_open ? child_.stdout_fd() : -1, POLLIN, 0},
                       {stderr_open ? child_.stderr_fd() : -1, POLLIN, 0}};
      int ready = ::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) return PosixError(errno, "cannot wait for hearth-convert's output");
      if (fds[0].revents != 0) {
        ASSIGN_OR_RETURN(stdout_open, ReadSome(fds[0].fd, output_.stdout_bytes, true));
      }
      if (fds[1].revents != 0) {
        ASSIGN_OR_RETURN(stderr_open, ReadSome(fds[1].fd, output_.stderr_bytes, false));
      }
      if (output_.output_too_large) break;
    }
    return std::move(output_);
  }

 private:
  // Appends what is available; false at end of file.
  StatusOr<bool> ReadSome(int fd, std::string& into, bool is_stdout) {
    char buffer[65536];
    ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (got < 0) return PosixError(errno, "cannot read hearth-convert's output");
    if (got == 0) return false;
    auto size = static_cast<size_t>(got);
    if (is_stdout) {
      into.append(buffer, size);
      if (into.size() > max_stdout_) output_.output_too_large = true;
    } else if (into.size() < kMaxStderrBytes) {
      into.append(buffer, std::min(size, kMaxStderrBytes - into.size()));
    }
    return true;
  }

  const ChildProcess& child_;
  uint64_t max_stdout_;
  Clock::time_point deadline_;
  ChildOutput output_;
};

StatusOr<std::filesystem::path> ConverterPath(const DocumentConverterOptions& options) {
  std::filesystem::path path = options.converter_path;
  if (path.empty()) {
    std::error_code error;
    std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) return InternalError("cannot find the running program: " + error.message());
    path = self.parent_path() / "hearth-convert";
  }
  if (!std::filesystem::exists(path)) {
    return NotFoundError("the document converter " + path.string() +
                         " is missing; install hearth-convert beside hearth");
  }
  return path;
}

// The child's "CODE_NAME: message" line back into a Status.
Status StatusFromErrorLine(std::string_view line) {
  constexpr StatusCode kCodes[] = {StatusCode::kInvalidArgument,    StatusCode::kNotFound,
                                   StatusCode::kPermissionDenied,   StatusCode::kResourceExhausted,
                                   StatusCode::kFailedPrecondition, StatusCode::kUnavailable,
                                   StatusCode::kInternal,           StatusCode::kDeadlineExceeded};
  for (StatusCode code : kCodes) {
    std::string prefix = std::string(StatusCodeName(code)) + ": ";
    if (line.starts_with(prefix)) return Status(code, std::string(line.substr(prefix.size())));
  }
  return InvalidArgumentError(line.empty() ? "the converter rejected the file" : line);
}

std::string FirstLine(std::string_view text) {
  size_t end = text.find('\n');
  return std::string(text.substr(0, end));
}

std::string MemoryMessage(const DocumentConverterOptions& options) {
  return "conversion needed more than " + std::to_string(options.memory_bytes >> 20) +
         " MiB of memory (the converter's memory limit)";
}

Status StatusFromExit(const ExitInfo& exit, const ChildOutput& output,
                      const DocumentConverterOptions& options) {
  if (exit.signal == SIGXCPU || exit.signal == SIGKILL) {
    // The parent kills only after a timeout or oversized output, handled
    // before this; any other SIGXCPU/SIGKILL is the CPU limit.
    return ResourceExhaustedError("conversion used more than " + std::to_string(options.cpu_seconds) +
                                  " s of CPU (the converter's CPU limit)");
  }
  if (exit.exit_code == kConvertExitOutOfMemory) return ResourceExhaustedError(MemoryMessage(options));
  if (exit.exit_code == kConvertExitDocumentError) return StatusFromErrorLine(FirstLine(output.stderr_bytes));
  if (exit.signal.has_value()) {
    return InvalidArgumentError("the converter crashed on this file (it " + exit.Describe() +
                                "); the file is probably damaged, or " + MemoryMessage(options));
  }
  return InternalError("hearth-convert " + exit.Describe() + ": " + FirstLine(output.stderr_bytes));
}

StatusOr<StructuredDocument> Collect(ChildProcess& child, const DocumentConverterOptions& options) {
  Clock::time_point deadline = Clock::now() + options.wall_timeout;
  ASSIGN_OR_RETURN(ChildOutput output, PipeDrainer(child, options.max_output_bytes, deadline).Drain());
  auto left = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                       std::chrono::milliseconds(0));
  StatusOr<ExitInfo> exit = output.timed_out || output.output_too_large
                                ? StatusOr<ExitInfo>(DeadlineExceededError("stopped"))
                                : child.Wait(left);
  if (!exit.ok()) {
    child.Signal(SIGKILL);
    child.Wait().status().IgnoreError();
    if (output.output_too_large) {
      return ResourceExhaustedError("conversion produced more than " +
                                    std::to_string(options.max_output_bytes) + " bytes of output");
    }
    return DeadlineExceededError("conversion took longer than " +
                                 std::to_string(options.wall_timeout.count() / 1000) + " s");
  }
  if (!exit->Succeeded()) return StatusFromExit(*exit, output, options);
  DecodeLimits limits;
  limits.max_total_bytes = options.max_output_bytes;
  StatusOr<StructuredDocument> document = Decode(output.stdout_bytes, limits);
  if (!document.ok())
    return InternalError("hearth-convert wrote a malformed document: " + document.status().message());
  return document;
}

}  // namespace

std::vector<std::string> ConverterArgv(const std::filesystem::path& converter,
                                       const std::filesystem::path& file, std::string_view name_hint,
                                       const DocumentConverterOptions& options) {
  const ConvertLimits& limits = options.limits;
  const std::pair<const char*, std::string> flags[] = {
      {"--input", file.string()},
      {"--name", std::string(name_hint)},
      {"--cpu-seconds", std::to_string(options.cpu_seconds)},
      {"--memory-bytes", std::to_string(options.memory_bytes)},
      {"--max-output-bytes", std::to_string(limits.max_output_bytes)},
      {"--max-blocks", std::to_string(limits.max_blocks)},
      {"--max-pages", std::to_string(limits.max_pages)},
      {"--max-zip-entries", std::to_string(limits.max_zip_entries)},
      {"--max-unpacked-bytes", std::to_string(limits.max_unpacked_bytes)},
      {"--max-entry-bytes", std::to_string(limits.max_entry_bytes)},
      {"--max-xml-depth", std::to_string(limits.max_xml_depth)},
      {"--max-cells", std::to_string(limits.max_cells)},
      {"--ocr-dpi", std::to_string(limits.ocr_dpi)},
  };
  std::vector<std::string> argv = {converter.string()};
  for (const auto& [flag, value] : flags) {
    argv.push_back(flag);
    argv.push_back(value);
  }
  if (!limits.ocr) argv.push_back("--no-ocr");
  return argv;
}

StatusOr<StructuredDocument> ConvertFile(const std::filesystem::path& file, std::string_view name_hint,
                                         const DocumentConverterOptions& options) {
  std::string name = name_hint.empty() ? file.filename().string() : std::string(name_hint);
  ASSIGN_OR_RETURN(std::filesystem::path converter, ConverterPath(options));
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    return NotFoundError("'" + name + "' cannot be converted: " + file.string() + " is not a file");
  }
  ChildProcessOptions spawn;
  spawn.argv = ConverterArgv(converter, file, name, options);
  spawn.capture_stdout = true;
  spawn.capture_stderr = true;
  // Tesseract runs on OpenMP, whose threads spin; one thread keeps the CPU
  // limit per file honest and is several times faster on a busy machine.
  // libgomp reads this before main(), so the child cannot set it itself.
  spawn.extra_env = {"OMP_THREAD_LIMIT=1"};
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child, ChildProcess::Spawn(spawn));
  StatusOr<StructuredDocument> document = Collect(*child, options);
  if (!document.ok()) return document.status().WithContext("converting '" + name + "'");
  return document;
}

}  // namespace hearth
