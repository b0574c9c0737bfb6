#include "models/quantizer.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <sstream>
#include <system_error>

#include "base/child_process.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "models/gguf_file.h"
#include "models/gguf_types.h"

namespace hearth {
namespace {

// Keeps the end of the worker's stderr for error messages; llama.cpp's last
// lines say what went wrong.
constexpr size_t kStderrTailBytes = 4096;
// The worker prints one short line per fallback; more than this is not a
// worker talking.
constexpr size_t kMaxStdoutBytes = 4 << 20;

bool IsFloatTensorType(uint32_t ggml_type) {
  return ggml_type == 0 || ggml_type == 1 || ggml_type == 30;  // f32, f16, bf16
}

// The type most matrices are stored in ("F32"), for files without
// general.file_type (older converters did not write it).
std::string PredominantTensorType(const GgufSummary& gguf) {
  std::map<uint32_t, uint64_t> elements_by_type;
  for (const GgufTensorInfo& tensor : gguf.tensors) {
    if (tensor.dims.size() >= 2) elements_by_type[tensor.type] += tensor.element_count();
  }
  auto largest = std::max_element(elements_by_type.begin(), elements_by_type.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
  const GgmlTypeInfo* type = largest == elements_by_type.end() ? nullptr : FindGgmlType(largest->first);
  if (type == nullptr) return "unknown";
  std::string name(type->name);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string FileTypeName(const GgufSummary& gguf) {
  std::optional<uint64_t> file_type = gguf.file_type();
  if (!file_type || *file_type > UINT32_MAX) return PredominantTensorType(gguf);
  std::optional<std::string_view> name = LlamaFileTypeName(static_cast<uint32_t>(*file_type));
  return name ? std::string(*name) : PredominantTensorType(gguf);
}

// The first tensor stored in a quantized type, or nullptr.
const GgufTensorInfo* FirstQuantizedTensor(const GgufSummary& gguf) {
  for (const GgufTensorInfo& tensor : gguf.tensors) {
    if (!IsFloatTensorType(tensor.type)) return &tensor;
  }
  return nullptr;
}

// Removes a file when it goes out of scope, unless released.
class ScopedRemove {
 public:
  explicit ScopedRemove(std::filesystem::path path) : path_(std::move(path)) {}
  ~ScopedRemove() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove(path_, ignored);
  }
  ScopedRemove(const ScopedRemove&) = delete;
  ScopedRemove& operator=(const ScopedRemove&) = delete;
  void Release() { path_.clear(); }

 private:
  std::filesystem::path path_;
};

struct WorkerOutput {
  std::string stdout_text;
  std::string stderr_tail;
  bool cancelled = false;
};

// Reads one chunk from `fd` into `sink`; false at end of file or on error.
bool ReadChunk(int fd, std::string& sink) {
  char buffer[4096];
  ssize_t n;
  do {
    n = ::read(fd, buffer, sizeof buffer);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  sink.append(buffer, static_cast<size_t>(n));
  return true;
}

// Reads the worker's stdout and stderr until both close. Both are read
// together so that neither pipe can fill up and stall the worker.
// Reads the worker's output until it closes both pipes, or until
// `cancelled` says so (output.cancelled is set then).
WorkerOutput DrainWorker(const ChildProcess& child, const std::function<bool()>& cancelled) {
  WorkerOutput output;
  pollfd fds[2] = {{child.stdout_fd(), POLLIN, 0}, {child.stderr_fd(), POLLIN, 0}};
  std::string* sinks[2] = {&output.stdout_text, &output.stderr_tail};
  const int timeout_ms = cancelled ? static_cast<int>(kQuantizeCancelPoll.count()) : -1;
  int open = 2;
  while (open > 0) {
    if (cancelled && cancelled()) {
      output.cancelled = true;
      break;
    }
    if (::poll(fds, 2, timeout_ms) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      if (!ReadChunk(fds[i].fd, *sinks[i])) {
        fds[i].fd = -1;
        --open;
      }
    }
    if (output.stderr_tail.size() > 2 * kStderrTailBytes) {
      output.stderr_tail.erase(0, output.stderr_tail.size() - kStderrTailBytes);
    }
    if (output.stdout_text.size() > kMaxStdoutBytes) break;
  }
  return output;
}

std::vector<std::string> WorkerArgv(const std::filesystem::path& source,
                                    const std::filesystem::path& destination,
                                    const QuantizeOptions& options) {
  std::vector<std::string> argv = options.worker_command;
  argv.insert(argv.end(), {"--in", source.string(), "--out", destination.string(), "--type",
                           std::string(GetQuantizationTypeInfo(options.type).name), "--threads",
                           std::to_string(options.threads)});
  if (options.allow_requantize) argv.push_back("--allow-requantize");
  return argv;
}

std::vector<TensorFallback> ParseFallbacks(const std::string& stdout_text) {
  std::vector<TensorFallback> fallbacks;
  std::istringstream lines(stdout_text);
  std::string line;
  while (std::getline(lines, line)) {
    if (std::optional<TensorFallback> fallback = ParseFallbackLine(line)) {
      fallbacks.push_back(std::move(*fallback));
    }
  }
  return fallbacks;
}

// The last non-empty line of `text`.
std::string LastLine(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const size_t newline = text.rfind('\n');
  return std::string(newline == std::string_view::npos ? text : text.substr(newline + 1));
}

StatusOr<std::vector<TensorFallback>> RunWorker(const std::filesystem::path& source,
                                                const std::filesystem::path& destination,
                                                const QuantizeOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child,
                   ChildProcess::Spawn({.argv = WorkerArgv(source, destination, options),
                                        .extra_env = {},
                                        .capture_stdout = true,
                                        .capture_stderr = true}));
  WorkerOutput output = DrainWorker(*child, options.cancelled);
  if (output.cancelled) {
    child->Terminate(std::chrono::milliseconds(0));
    return CancelledError("the quantization of " + source.string() + " was cancelled");
  }
  ASSIGN_OR_RETURN(ExitInfo exit, child->Wait());
  if (!exit.Succeeded()) {
    std::string reason = LastLine(output.stderr_tail);
    return InternalError("the quantize worker for " + source.string() + " " + exit.Describe() +
                         (reason.empty() ? "" : ": " + reason));
  }
  return ParseFallbacks(output.stdout_text);
}

uint64_t CountChangedTensors(const GgufSummary& before, const GgufSummary& after) {
  std::map<std::string_view, uint32_t> types;
  for (const GgufTensorInfo& tensor : before.tensors) types[tensor.name] = tensor.type;
  uint64_t changed = 0;
  for (const GgufTensorInfo& tensor : after.tensors) {
    auto it = types.find(tensor.name);
    if (it == types.end() || it->second != tensor.type) ++changed;
  }
  return changed;
}

}  // namespace

Status CheckQuantizable(const GgufSummary& source, QuantizationType type, bool allow_requantize) {
  if (!GetQuantizationTypeInfo(type).quantize_target) {
    return InvalidArgumentError("'" + std::string(GetQuantizationTypeInfo(type).name) +
                                "' is not a quantization type; use one of " +
                                QuantizeTargetList());
  }
  const GgufTensorInfo* quantized = FirstQuantizedTensor(source);
  if (quantized == nullptr || allow_requantize) return OkStatus();
  const GgmlTypeInfo* tensor_type = FindGgmlType(quantized->type);
  return FailedPreconditionError(
      "the source is already quantized (file type " + FileTypeName(source) + ", tensor '" +
      quantized->name + "' is " + std::string(tensor_type ? tensor_type->name : "quantized") +
      "); quantizing it again loses more quality than quantizing the original F16/F32 "
      "model. Pass --allow-requantize to do it anyway");
}

StatusOr<QuantizeReport> QuantizeFile(const std::filesystem::path& source,
                                      const std::filesystem::path& destination,
                                      const QuantizeOptions& options) {
  ASSIGN_OR_RETURN(GgufSummary before, ReadGgufFile(source));
  RETURN_IF_ERROR(CheckQuantizable(before, options.type, options.allow_requantize));
  std::error_code error;
  if (std::filesystem::exists(destination, error)) {
    return AlreadyExistsError("the quantize output " + destination.string() + " already exists");
  }
  ScopedRemove remove_output(destination);
  ASSIGN_OR_RETURN(std::vector<TensorFallback> fallbacks, RunWorker(source, destination, options));
  StatusOr<GgufSummary> after = ReadGgufFile(destination);
  if (!after.ok()) {
    return InternalError("the quantize worker wrote an invalid file: " + after.status().message());
  }
  remove_output.Release();
  return QuantizeReport{.bytes_before = before.file_size,
                        .bytes_after = after->file_size,
                        .tensors_total = after->tensors.size(),
                        .tensors_quantized = CountChangedTensors(before, *after),
                        .fallbacks = std::move(fallbacks),
                        .source_file_type = FileTypeName(before),
                        .result_file_type = FileTypeName(*after)};
}

}  // namespace hearth
