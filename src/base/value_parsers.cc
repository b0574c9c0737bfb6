#include "base/value_parsers.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "base/ascii.h"
#include "base/escaping.h"

namespace hearth {
namespace {

// Digits after the decimal point beyond this many are ignored; with units of
// at most 2^40 (TiB) or 3.6e6 (ms per hour) the dropped part is below one byte
// or millisecond per 1000 units, and keeping nine digits keeps the scaling
// arithmetic below in uint64_t.
constexpr int kMaxFractionDigits = 9;

// A non-negative decimal number [0-9]+(.[0-9]+)? split into its parts.
struct Decimal {
  uint64_t whole = 0;
  uint64_t fraction = 0;        // the kept digits after the point, as an integer
  uint64_t fraction_scale = 1;  // 10^(number of kept digits)
  bool overflow = false;        // `whole` did not fit in uint64_t
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return AsciiToLower(c) >= 'a' && AsciiToLower(c) <= 'z'; }

// Removes the leading run of characters satisfying `predicate` from `text`.
template <typename Predicate>
std::string_view ConsumeWhile(std::string_view& text, Predicate predicate) {
  size_t n = 0;
  while (n < text.size() && predicate(text[n])) ++n;
  const std::string_view run = text.substr(0, n);
  text.remove_prefix(n);
  return run;
}

// Removes a decimal number from the front of `text`; nullopt if there is none
// (including "5." and ".5", which are rejected as ambiguous-looking).
std::optional<Decimal> ConsumeDecimal(std::string_view& text) {
  const std::string_view whole = ConsumeWhile(text, IsDigit);
  if (whole.empty()) return std::nullopt;
  Decimal decimal;
  const std::from_chars_result parsed =
      std::from_chars(whole.data(), whole.data() + whole.size(), decimal.whole);
  decimal.overflow = parsed.ec == std::errc::result_out_of_range;
  if (text.empty() || text.front() != '.') return decimal;
  text.remove_prefix(1);
  const std::string_view fraction = ConsumeWhile(text, IsDigit);
  if (fraction.empty()) return std::nullopt;
  for (size_t i = 0; i < fraction.size() && i < kMaxFractionDigits; ++i) {
    decimal.fraction = decimal.fraction * 10 + static_cast<uint64_t>(fraction[i] - '0');
    decimal.fraction_scale *= 10;
  }
  return decimal;
}

// decimal * unit, rounded toward zero; nullopt if it does not fit in uint64_t.
std::optional<uint64_t> Scale(const Decimal& decimal, uint64_t unit) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (decimal.overflow || (unit != 0 && decimal.whole > kMax / unit)) return std::nullopt;
  const uint64_t whole = decimal.whole * unit;
  // fraction * unit / scale, split so that no product exceeds 10^18.
  const uint64_t scale = decimal.fraction_scale;
  const uint64_t part =
      decimal.fraction * (unit / scale) + decimal.fraction * (unit % scale) / scale;
  if (part > kMax - whole) return std::nullopt;
  return whole + part;
}

std::optional<uint64_t> ByteUnit(std::string_view suffix) {
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 9> kUnits = {{
      {"", 1},
      {"k", 1000ULL},
      {"m", 1000ULL * 1000},
      {"g", 1000ULL * 1000 * 1000},
      {"t", 1000ULL * 1000 * 1000 * 1000},
      {"ki", 1ULL << 10},
      {"mi", 1ULL << 20},
      {"gi", 1ULL << 30},
      {"ti", 1ULL << 40},
  }};
  std::string lower = AsciiToLower(suffix);
  if (!lower.empty() && lower.back() == 'b') lower.pop_back();
  for (const auto& [name, multiplier] : kUnits) {
    if (lower == name) return multiplier;
  }
  return std::nullopt;
}

std::optional<uint64_t> MillisPerUnit(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  return std::nullopt;
}

Status NotADuration(std::string_view text) {
  return InvalidArgumentError(QuoteForDisplay(text) +
                              " is not a duration; use a number of seconds or a value with "
                              "units such as 300ms, 5s, 5m, 1h30m (negative means forever)");
}

Status DurationTooLong(std::string_view text) {
  return InvalidArgumentError(QuoteForDisplay(text) + " is too long a duration");
}

// The magnitude in milliseconds of an unsigned duration such as "1h30m" or
// "45": nullopt on bad syntax; a value above int64_t's range on overflow.
std::optional<uint64_t> DurationMagnitude(std::string_view text) {
  constexpr uint64_t kTooLarge = uint64_t{std::numeric_limits<int64_t>::max()} + 1;
  uint64_t total = 0;
  bool first = true;
  while (!text.empty() || first) {
    const std::optional<Decimal> number = ConsumeDecimal(text);
    if (!number) return std::nullopt;
    const std::string_view unit = ConsumeWhile(text, IsAsciiLetter);
    if (unit.empty() && !(first && text.empty())) return std::nullopt;
    const std::optional<uint64_t> millis_per_unit = unit.empty() ? 1000 : MillisPerUnit(unit);
    if (!millis_per_unit) return std::nullopt;
    const std::optional<uint64_t> millis = Scale(*number, *millis_per_unit);
    if (!millis || *millis >= kTooLarge - total) return kTooLarge;
    total += *millis;
    first = false;
  }
  return total;
}

}  // namespace

StatusOr<int64_t> ParseInt64(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    return InvalidArgumentError(QuoteForDisplay(text) + " is out of the range of a 64-bit integer");
  }
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError(QuoteForDisplay(text) + " is not a whole number");
  }
  return value;
}

StatusOr<double> ParseDouble(std::string_view text) {
  double value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (error == std::errc::result_out_of_range) {
    return InvalidArgumentError(QuoteForDisplay(text) + " is out of the range of a number");
  }
  // from_chars also reads "inf" and "nan", which no option means.
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return InvalidArgumentError(QuoteForDisplay(text) + " is not a number");
  }
  return value;
}

StatusOr<bool> ParseBool(std::string_view text) {
  for (std::string_view word : {"true", "yes", "1"}) {
    if (EqualsIgnoreAsciiCase(text, word)) return true;
  }
  for (std::string_view word : {"false", "no", "0"}) {
    if (EqualsIgnoreAsciiCase(text, word)) return false;
  }
  return InvalidArgumentError(QuoteForDisplay(text) +
                              " is not a boolean; use true or false, yes or no, 1 or 0");
}

StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  std::string_view rest = text;
  const std::optional<Decimal> number = ConsumeDecimal(rest);
  const std::string_view spaces = ConsumeWhile(rest, [](char c) { return c == ' '; });
  const std::optional<uint64_t> unit = ByteUnit(rest);
  const bool trailing_spaces = !spaces.empty() && rest.empty();
  if (!number || !unit || trailing_spaces) {
    return InvalidArgumentError(QuoteForDisplay(text) +
                                " is not a byte size; use a number with an optional unit such "
                                "as 512, 512MB, 8GiB or 1.5G");
  }
  const std::optional<uint64_t> bytes = Scale(*number, *unit);
  if (!bytes) {
    return InvalidArgumentError(QuoteForDisplay(text) +
                                " is too large; the largest byte size is 16 EiB");
  }
  return *bytes;
}

std::string FormatByteSize(uint64_t bytes) {
  static constexpr std::array<std::string_view, 7> kUnits = {"B",   "KiB", "MiB", "GiB",
                                                             "TiB", "PiB", "EiB"};
  size_t index = 0;
  while (index + 1 < kUnits.size() && bytes >= (uint64_t{1} << (10 * (index + 1)))) ++index;
  const uint64_t unit = uint64_t{1} << (10 * index);
  uint64_t whole = bytes / unit;
  // remainder * 10 < 10 * 2^60 fits in uint64_t.
  uint64_t tenths = (bytes % unit * 10 + unit / 2) / unit;
  if (tenths == 10) {
    ++whole;
    tenths = 0;
  }
  if (whole == 1024 && index + 1 < kUnits.size()) {
    whole = 1;
    ++index;
  }
  std::string result = std::to_string(whole);
  if (tenths != 0) {
    result += '.';
    result += std::to_string(tenths);
  }
  result += ' ';
  result += kUnits[index];
  return result;
}

StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const std::optional<uint64_t> magnitude = DurationMagnitude(text.substr(negative ? 1 : 0));
  if (!magnitude) return NotADuration(text);
  if (*magnitude > uint64_t{std::numeric_limits<int64_t>::max()}) return DurationTooLong(text);
  const auto millis = static_cast<int64_t>(*magnitude);
  return std::chrono::milliseconds(negative ? -millis : millis);
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  const int64_t count = duration.count();
  // Negate in unsigned arithmetic so that the minimum value does not overflow.
  uint64_t millis = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  std::string result = count < 0 ? "-" : "";
  if (millis == 0) return "0s";
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 4> kUnits = {
      {{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}}};
  for (const auto& [name, size] : kUnits) {
    if (millis >= size) {
      result += std::to_string(millis / size);
      result += name;
      millis %= size;
    }
  }
  return result;
}

}  // namespace hearth
