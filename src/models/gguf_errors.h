// The wording of GGUF reader errors, shared by its parts so that every
// message has the same shape: "<file> is not a valid GGUF file: <problem>".
//
// Thread-safety: pure functions.

#ifndef HEARTH_MODELS_GGUF_ERRORS_H_
#define HEARTH_MODELS_GGUF_ERRORS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth::internal {

// `value` with thousands separators: 812345678 -> "812,345,678".
std::string FormatCount(uint64_t value);

// InvalidArgument: "<display_name> is not a valid GGUF file: <problem>".
Status MalformedGguf(std::string_view display_name, std::string_view problem);

// FailedPrecondition: "<display_name> is a GGUF file this hearth cannot use:
// <problem>".
Status UnsupportedGguf(std::string_view display_name, std::string_view problem);

// A key or tensor name from the file, quoted and escaped for a message.
std::string QuoteName(std::string_view name);

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_GGUF_ERRORS_H_
