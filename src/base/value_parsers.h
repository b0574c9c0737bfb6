// Parsers (and matching formatters) for the values users type into flags,
// environment variables and API parameters: integers, real numbers, booleans,
// byte sizes and durations.
//
// Every parser takes the whole string: empty input, leading or trailing junk
// and out-of-range values are InvalidArgument errors whose message quotes the
// input and says what was expected, e.g.
//   "'12QB' is not a byte size; use a number with an optional unit such as 512, 512MB, 8GiB
//   or 1.5G"
// Callers add which flag or variable the value came from (Status::WithContext).
//
//   ASSIGN_OR_RETURN(uint64_t budget, ParseByteSize("8GiB"));      // 8589934592
//   ASSIGN_OR_RETURN(auto keep_alive, ParseDuration("1h30m"));     // 5400000ms
//   std::string shown = FormatByteSize(budget);                     // "8 GiB"
//
// Thread-safety: pure functions; safe to call from any thread.

#ifndef HEARTH_BASE_VALUE_PARSERS_H_
#define HEARTH_BASE_VALUE_PARSERS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

// A decimal integer with an optional leading '-': "42", "-7". No '+', no
// spaces, no other bases.
StatusOr<int64_t> ParseInt64(std::string_view text);

// A finite decimal number with an optional leading '-', fraction and
// exponent: "42", "-0.5", "1e4", "2.5E-3". No '+', no spaces, no hexadecimal,
// "inf" or "nan"; values beyond double's range are rejected.
StatusOr<double> ParseDouble(std::string_view text);

// "true", "yes", "1" -> true; "false", "no", "0" -> false; any ASCII case.
StatusOr<bool> ParseBool(std::string_view text);

// A byte count: a non-negative decimal number with an optional unit.
// Units, in any case, with or without the trailing 'B':
//   K, M, G, T       = 1000, 1000^2, 1000^3, 1000^4   ("512MB", "1.5G")
//   Ki, Mi, Gi, Ti   = 1024, 1024^2, 1024^3, 1024^4   ("8GiB", "64KiB")
//   (none) or B      = bytes                            ("512", "512B")
// Spaces may separate the number and the unit ("1.5 GiB", as FormatByteSize
// writes). A fractional result is rounded down to whole bytes. Values above
// 2^64 - 1 bytes are rejected.
StatusOr<uint64_t> ParseByteSize(std::string_view text);

// `bytes` for people, in 1024-based units with at most one decimal:
// "512 B", "1.5 GiB", "8 GiB". Rounded to the nearest tenth; ParseByteSize
// accepts the result.
std::string FormatByteSize(uint64_t bytes);

// A duration, with Ollama's keep-alive conventions:
//   "300ms", "5s", "5m", "1h", "1h30m", "1.5h"   units ms, s, m, h; components
//                                                 add up, and each needs a unit
//   "30", "2.5"                                  a plain number is seconds
//   "-1", "-5m"                                  negative values are allowed
//                                                 (for keep-alive: forever)
// Sub-millisecond parts are rounded toward zero. Values beyond what
// std::chrono::milliseconds holds are rejected.
StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text);

// `duration` in the unit form ParseDuration accepts, leaving out zero
// components: "0s", "300ms", "5m", "1h30m", "1m500ms", "-1s".
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace hearth

#endif  // HEARTH_BASE_VALUE_PARSERS_H_
