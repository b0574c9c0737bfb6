#include "base/options.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <limits>
#include <optional>
#include <utility>

#include "base/escaping.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

template <typename Int>
StatusOr<Int> ParseIntInRange(std::string_view text) {
  ASSIGN_OR_RETURN(const int64_t value, ParseInt64(text));
  constexpr int64_t kMin = std::numeric_limits<Int>::min();
  constexpr int64_t kMax = std::numeric_limits<Int>::max();
  if (value < kMin || value > kMax) {
    return InvalidArgumentError(QuoteForDisplay(text) + " is out of range; use a number from " +
                                std::to_string(kMin) + " to " + std::to_string(kMax));
  }
  return static_cast<Int>(value);
}

// The value of `target` at Bind time, shown as the default by Help().
template <typename T>
const T& DefaultOf(const T* target) {
  assert(target != nullptr && "OptionBinder needs a field to bind to");
  return *target;
}

// An assign function for `target` that parses with `parse`.
template <typename T, typename Parse>
std::function<Status(std::string_view)> Assigner(T* target, Parse parse) {
  return [target, parse](std::string_view text) -> Status {
    ASSIGN_OR_RETURN(*target, parse(text));
    return OkStatus();
  };
}

// The default Help() shows for an optional field: none while it is unset.
template <typename T, typename Format>
std::string OptionalDefault(const std::optional<T>* target, Format format) {
  const std::optional<T>& value = DefaultOf(target);
  return value ? format(*value) : std::string();
}

StatusOr<std::string> ParseText(std::string_view text) { return std::string(text); }
std::string FormatText(const std::string& text) { return text; }
std::string FormatInt(int64_t value) { return std::to_string(value); }
std::string FormatBool(bool value) { return value ? "true" : "false"; }

// The shortest text that ParseDouble reads back as `value`.
std::string FormatDouble(double value) {
  std::array<char, 32> buffer{};  // the shortest form of any double fits in 24
  return std::string(buffer.data(),
                     std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr);
}

std::string FlagDisplay(std::string_view name) { return "--" + EscapeForDisplay(name); }

Status UnknownFlag(std::string_view arg) {
  return InvalidArgumentError("unknown flag " + EscapeForDisplay(arg) + "; see --help");
}

}  // namespace

OptionBinder::OptionBinder() = default;
OptionBinder::~OptionBinder() = default;

void OptionBinder::Bind(std::string flag, std::string env, std::string* target, std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "VALUE", DefaultOf(target),
       Assigner(target, ParseText)});
}

void OptionBinder::Bind(std::string flag, std::string env, int64_t* target, std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "N", FormatInt(DefaultOf(target)),
       Assigner(target, ParseIntInRange<int64_t>)});
}

void OptionBinder::Bind(std::string flag, std::string env, int* target, std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "N", FormatInt(DefaultOf(target)),
       Assigner(target, ParseIntInRange<int>)});
}

void OptionBinder::Bind(std::string flag, std::string env, double* target, std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "NUMBER", FormatDouble(DefaultOf(target)),
       Assigner(target, ParseDouble)});
}

void OptionBinder::Bind(std::string flag, std::string env, bool* target, std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "", FormatBool(DefaultOf(target)),
       Assigner(target, ParseBool)});
}

void OptionBinder::BindBytes(std::string flag, std::string env, uint64_t* target,
                             std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "SIZE", FormatByteSize(DefaultOf(target)),
       Assigner(target, ParseByteSize)});
}

void OptionBinder::BindDuration(std::string flag, std::string env,
                                std::chrono::milliseconds* target, std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "DURATION",
       FormatDuration(DefaultOf(target)), Assigner(target, ParseDuration)});
}

void OptionBinder::BindList(std::string flag, std::string env, std::vector<std::string>* target,
                            std::string help) {
  std::string shown;
  for (const std::string& item : DefaultOf(target)) shown += (shown.empty() ? "" : ",") + item;
  Add({std::move(flag), std::move(env), std::move(help), "VALUE", shown,
       [target](std::string_view text) -> Status {
         size_t start = 0;
         while (start <= text.size()) {
           size_t comma = std::min(text.find(',', start), text.size());
           if (comma > start) target->emplace_back(text.substr(start, comma - start));
           start = comma + 1;
         }
         return OkStatus();
       }});
}

void OptionBinder::Bind(std::string flag, std::string env, std::optional<std::string>* target,
                        std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "VALUE",
       OptionalDefault(target, FormatText), Assigner(target, ParseText)});
}

void OptionBinder::Bind(std::string flag, std::string env, std::optional<int64_t>* target,
                        std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "N", OptionalDefault(target, FormatInt),
       Assigner(target, ParseIntInRange<int64_t>)});
}

void OptionBinder::Bind(std::string flag, std::string env, std::optional<double>* target,
                        std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "NUMBER",
       OptionalDefault(target, FormatDouble), Assigner(target, ParseDouble)});
}

void OptionBinder::Bind(std::string flag, std::string env, std::optional<bool>* target,
                        std::string help) {
  Add({std::move(flag), std::move(env), std::move(help), "", OptionalDefault(target, FormatBool),
       Assigner(target, ParseBool)});
}

void OptionBinder::Add(Option option) {
  assert(!option.flag.empty() && option.flag.find('=') == std::string::npos);
  const bool duplicate = std::any_of(options_.begin(), options_.end(), [&](const Option& o) {
    return o.flag == option.flag || (!option.env.empty() && o.env == option.env);
  });
  assert(!duplicate && "flag or environment variable bound twice");
  if (!duplicate) options_.push_back(std::move(option));
}

const OptionBinder::Option* OptionBinder::FindFlag(std::string_view name) const {
  for (const Option& option : options_) {
    if (option.flag == name) return &option;
  }
  return nullptr;
}

Status OptionBinder::ApplyEnvironment(const Environment& env) {
  for (const Option& option : options_) {
    if (option.env.empty()) continue;
    const std::optional<std::string> value = env.Get(option.env);
    if (!value || value->empty()) continue;
    RETURN_IF_ERROR(option.assign(*value).WithContext("invalid value for " + option.env));
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> OptionBinder::ApplyFlags(const std::vector<std::string>& args) {
  std::vector<std::string> positional;
  size_t index = 0;
  while (index < args.size()) {
    const std::string& arg = args[index];
    if (arg == "--") {
      positional.insert(positional.end(), args.begin() + static_cast<ptrdiff_t>(index) + 1,
                        args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      ++index;
      continue;
    }
    ASSIGN_OR_RETURN(const size_t used, ApplyFlag(args, index));
    index += used;
  }
  return positional;
}

StatusOr<size_t> OptionBinder::ApplyFlag(const std::vector<std::string>& args, size_t index) const {
  const std::string_view arg = args[index];
  if (!arg.starts_with("--")) return UnknownFlag(arg);
  const std::string_view body = arg.substr(2);
  const size_t equals = body.find('=');
  const std::string_view name = body.substr(0, equals);
  const bool has_value = equals != std::string_view::npos;
  const Option* option = FindFlag(name);
  if (option == nullptr) {
    RETURN_IF_ERROR(ApplyNegatedFlag(name, has_value));
    return 1;
  }
  const std::string context = "invalid value for " + FlagDisplay(name);
  if (has_value) {
    RETURN_IF_ERROR(option->assign(body.substr(equals + 1)).WithContext(context));
    return 1;
  }
  if (option->value_name.empty()) {  // a boolean: --flag alone means true
    RETURN_IF_ERROR(option->assign("true").WithContext(context));
    return 1;
  }
  if (index + 1 >= args.size() || args[index + 1].starts_with("--")) {
    return InvalidArgumentError("flag " + FlagDisplay(name) + " needs a value; use " +
                                FlagDisplay(name) + "=" + option->value_name + " or " +
                                FlagDisplay(name) + " " + option->value_name);
  }
  RETURN_IF_ERROR(option->assign(args[index + 1]).WithContext(context));
  return 2;
}

// --no-<name> for a boolean flag <name>; anything else unknown is an error.
Status OptionBinder::ApplyNegatedFlag(std::string_view name, bool has_value) const {
  const Option* option = name.starts_with("no-") ? FindFlag(name.substr(3)) : nullptr;
  if (option == nullptr || !option->value_name.empty()) {
    return UnknownFlag("--" + std::string(name));
  }
  if (has_value) {
    return InvalidArgumentError(FlagDisplay(name) + " does not take a value; use " +
                                FlagDisplay(option->flag) + "=false or " + FlagDisplay(name));
  }
  return option->assign("false");
}

std::string OptionBinder::Help() const {
  std::vector<std::string> left;
  size_t width = 0;
  for (const Option& option : options_) {
    std::string column = "  --" + option.flag;
    if (!option.value_name.empty()) column += " " + option.value_name;
    width = std::max(width, column.size());
    left.push_back(std::move(column));
  }
  std::string help;
  for (size_t i = 0; i < options_.size(); ++i) {
    const Option& option = options_[i];
    help += left[i] + std::string(width + 2 - left[i].size(), ' ');
    if (!option.env.empty()) help += "(" + option.env + ") ";
    help += option.help;
    if (!option.default_text.empty()) help += " [default: " + option.default_text + "]";
    help += '\n';
  }
  return help;
}

}  // namespace hearth
