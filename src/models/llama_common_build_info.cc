// The build-info functions llama.cpp's common library calls. llama.cpp
// generates them at build time into an object that is not installed with
// libllama-common.a, so hearth defines them from the pinned version it was
// configured with (HEARTH_LLAMA_VERSION / HEARTH_LLAMA_COMMIT).
#include <cstdio>

#include "build-info.h"

int llama_build_number(void) { return 0; }

const char* llama_commit(void) { return HEARTH_LLAMA_COMMIT; }

const char* llama_compiler(void) {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "gcc " __VERSION__;
#else
  return "unknown";
#endif
}

const char* llama_build_target(void) { return "hearth"; }

const char* llama_build_info(void) { return HEARTH_LLAMA_VERSION "-" HEARTH_LLAMA_COMMIT; }

void llama_print_build_info(const char* prefix, FILE* out) {
  std::fprintf(out, "%sbuild: %s with %s for %s\n", prefix, llama_build_info(), llama_compiler(),
               llama_build_target());
}
