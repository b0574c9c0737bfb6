// ScopedQuietLlamaLog: test helper that keeps llama.cpp's log to errors while
// a test makes quantized fixtures (the quantizer reports every tensor) or
// lets llama.cpp read files, and restores the previous callback after.
//
// Thread-safety: changes llama.cpp's process-wide log callback; tests that
// use it must not run concurrently with others that do.
//
// Example:
//   ScopedQuietLlamaLog quiet;
//   ASSERT_TRUE(fixture::BuildFixture(spec, path).ok());

#ifndef HEARTH_MODELS_QUIET_LLAMA_LOG_H_
#define HEARTH_MODELS_QUIET_LLAMA_LOG_H_

#include <cstdio>

#include "llama.h"

namespace hearth::testing {

class ScopedQuietLlamaLog {
 public:
  ScopedQuietLlamaLog() {
    llama_log_get(&previous_, &previous_data_);
    llama_log_set(&ErrorsOnly, nullptr);
  }
  ~ScopedQuietLlamaLog() { llama_log_set(previous_, previous_data_); }
  ScopedQuietLlamaLog(const ScopedQuietLlamaLog&) = delete;
  ScopedQuietLlamaLog& operator=(const ScopedQuietLlamaLog&) = delete;

 private:
  static void ErrorsOnly(ggml_log_level level, const char* text, void* /*data*/) {
    if (level == GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
  }

  ggml_log_callback previous_ = nullptr;
  void* previous_data_ = nullptr;
};

}  // namespace hearth::testing

#endif  // HEARTH_MODELS_QUIET_LLAMA_LOG_H_
