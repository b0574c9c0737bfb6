// The llama.cpp backend as hearth sees it: which engine this binary was built
// with, and the one-time process setup that every process touching llama.cpp
// (the server for vocab-only tokenizers, each runner, quantize children) runs.
//
// Thread-safety: all functions are thread-safe. InitLlamaBackend() may be
// called any number of times; only the first call does work.
//
// Example:
//   hearth::InitLlamaBackend();
//   std::cout << hearth::GetLlamaBuildInfo().version << "\n";
#ifndef HEARTH_MODELS_LLAMA_BACKEND_H_
#define HEARTH_MODELS_LLAMA_BACKEND_H_

#include <string>

namespace hearth {

// What llama.cpp this binary links, as fixed at configure time by scripts/setup.
struct LlamaBuildInfo {
  std::string version;      // the release tag, e.g. "v0.5.0"
  std::string commit;       // short commit of the pinned tree
  std::string library;      // what llama_version() reports at run time
  std::string build_flags;  // CMake flags llama.cpp was built with
  std::string system_info;  // CPU features ggml uses (AVX2, F16C, ...)
};

// Describes the linked llama.cpp. Cheap after the first call.
const LlamaBuildInfo& GetLlamaBuildInfo();

// Initializes llama.cpp's backends once per process and routes its log
// output into hearth's logging (llama.cpp's info chatter at debug level,
// its warnings and errors at the same levels).
void InitLlamaBackend();

}  // namespace hearth

#endif  // HEARTH_MODELS_LLAMA_BACKEND_H_
