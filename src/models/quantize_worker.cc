#include "models/quantize_worker.h"

#include <cstdio>
#include <sstream>
#include <string>

#include "llama.h"

namespace hearth {
namespace {

constexpr std::string_view kFallbackPrefix = "fallback ";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

// The text between `begin` and the next `end` after it, trimmed; nullopt if
// either is missing.
std::optional<std::string_view> Between(std::string_view text, std::string_view begin,
                                        std::string_view end) {
  const size_t start = text.find(begin);
  if (start == std::string_view::npos) return std::nullopt;
  const size_t from = start + begin.size();
  const size_t stop = text.find(end, from);
  if (stop == std::string_view::npos) return std::nullopt;
  return Trim(text.substr(from, stop - from));
}

// Receives llama.cpp's log while the worker runs. llama.cpp logs a fallback
// in several pieces at warning level, so warnings are joined into lines
// before they are recognized.
class WorkerLog {
 public:
  explicit WorkerLog(std::ostream& report) : report_(report) {
    llama_log_set(&WorkerLog::Receive, this);
  }
  ~WorkerLog() { llama_log_set(nullptr, nullptr); }
  WorkerLog(const WorkerLog&) = delete;
  WorkerLog& operator=(const WorkerLog&) = delete;

  const std::string& last_error() const { return last_error_; }

 private:
  static void Receive(ggml_log_level level, const char* text, void* data) {
    auto* self = static_cast<WorkerLog*>(data);
    if (level == GGML_LOG_LEVEL_WARN) self->AddWarning(text);
    if (level == GGML_LOG_LEVEL_ERROR) self->AddError(text);
  }

  void AddWarning(std::string_view text) {
    warning_ += text;
    size_t newline;
    while ((newline = warning_.find('\n')) != std::string::npos) {
      const std::string line = warning_.substr(0, newline);
      warning_.erase(0, newline + 1);
      if (std::optional<TensorFallback> fallback = ParseLlamaFallbackWarning(line)) {
        report_ << FormatFallbackLine(*fallback) << '\n' << std::flush;
      } else {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
    }
  }

  void AddError(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::string_view trimmed = Trim(text);
    if (!trimmed.empty() && trimmed.find_first_not_of('=') != std::string_view::npos) {
      last_error_ = trimmed;
    }
  }

  std::ostream& report_;
  std::string warning_;
  std::string last_error_;
};

}  // namespace

Status RunQuantizeWorker(const QuantizeWorkerRequest& request, std::ostream& report) {
  const QuantizationTypeInfo& info = GetQuantizationTypeInfo(request.type);
  if (!info.quantize_target) {
    return InvalidArgumentError(std::string(info.name) + " is not a quantization target; use one of " +
                                QuantizeTargetList());
  }
  llama_backend_init();
  llama_model_quantize_params params = llama_model_quantize_default_params();
  params.ftype = static_cast<llama_ftype>(info.llama_file_type);
  params.nthread = request.threads;
  params.allow_requantize = request.allow_requantize;
  WorkerLog log(report);
  if (llama_model_quantize(request.input.c_str(), request.output.c_str(), &params) != 0) {
    return InternalError("llama.cpp could not quantize " + request.input.string() + " to " +
                         std::string(info.name) + ": " +
                         (log.last_error().empty() ? "no message" : log.last_error()));
  }
  return OkStatus();
}

std::optional<TensorFallback> ParseLlamaFallbackWarning(std::string_view line) {
  if (!line.starts_with("warning: ")) return std::nullopt;
  std::optional<std::string_view> tensor = Between(line, "warning: ", " - ncols ");
  std::optional<std::string_view> requested = Between(line, "(required for type ", ")");
  const size_t arrow = line.find("-> falling back to ");
  if (!tensor || !requested || arrow == std::string_view::npos) return std::nullopt;
  std::string_view used = Trim(line.substr(arrow + std::string_view("-> falling back to ").size()));
  if (tensor->empty() || requested->empty() || used.empty()) return std::nullopt;
  return TensorFallback{std::string(*tensor), std::string(*requested), std::string(used)};
}

std::string FormatFallbackLine(const TensorFallback& fallback) {
  return std::string(kFallbackPrefix) + fallback.tensor + " " + fallback.requested + " " +
         fallback.used;
}

std::optional<TensorFallback> ParseFallbackLine(std::string_view line) {
  if (!line.starts_with(kFallbackPrefix)) return std::nullopt;
  std::istringstream fields{std::string(line.substr(kFallbackPrefix.size()))};
  TensorFallback fallback;
  std::string extra;
  if (!(fields >> fallback.tensor >> fallback.requested >> fallback.used) || (fields >> extra)) {
    return std::nullopt;
  }
  return fallback;
}

}  // namespace hearth
