#include "models/gguf_errors.h"

#include "base/escaping.h"

namespace hearth::internal {

std::string FormatCount(uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Status MalformedGguf(std::string_view display_name, std::string_view problem) {
  std::string message(display_name);
  message += " is not a valid GGUF file: ";
  message += problem;
  return InvalidArgumentError(message);
}

Status UnsupportedGguf(std::string_view display_name, std::string_view problem) {
  std::string message(display_name);
  message += " is a GGUF file this hearth cannot use: ";
  message += problem;
  return FailedPreconditionError(message);
}

std::string QuoteName(std::string_view name) { return QuoteForDisplay(name, 80); }

}  // namespace hearth::internal
