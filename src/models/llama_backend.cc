#include "models/llama_backend.h"

#include <mutex>
#include <string_view>

#include "base/logging.h"
#include "llama.h"

namespace hearth {
namespace {

// Strips the trailing newline llama.cpp puts on every message (our logger
// adds its own line ending) and the trailing separator of its feature list.
std::string_view TrimTrailing(const char* text) {
  std::string_view view(text == nullptr ? "" : text);
  while (!view.empty() && std::string_view("\r\n |").find(view.back()) != std::string_view::npos) {
    view.remove_suffix(1);
  }
  return view;
}

void ForwardLlamaLog(ggml_log_level level, const char* text, void* /*user_data*/) {
  std::string_view message = TrimTrailing(text);
  if (message.empty()) return;
  switch (level) {
    case GGML_LOG_LEVEL_ERROR:
      HEARTH_LOG(ERROR) << "llama.cpp: " << message;
      break;
    case GGML_LOG_LEVEL_WARN:
      HEARTH_LOG(WARNING) << "llama.cpp: " << message;
      break;
    default:  // info, debug and continuation lines are engine detail
      HEARTH_LOG(DEBUG) << "llama.cpp: " << message;
      break;
  }
}

}  // namespace

const LlamaBuildInfo& GetLlamaBuildInfo() {
  static const LlamaBuildInfo info = [] {
    LlamaBuildInfo result;
    result.version = HEARTH_LLAMA_VERSION;
    result.commit = HEARTH_LLAMA_COMMIT;
    result.library = llama_version();
    result.build_flags = HEARTH_LLAMA_FLAGS;
    result.system_info = TrimTrailing(llama_print_system_info());
    return result;
  }();
  return info;
}

void InitLlamaBackend() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(ForwardLlamaLog, nullptr);
    llama_backend_init();
  });
}

}  // namespace hearth
