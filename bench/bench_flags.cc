#include "bench/bench_flags.h"

#include <charconv>
#include <utility>

namespace hearth::bench {
namespace {

// The whole of `text` as a number of type T.
template <typename T>
Status ParseNumber(const std::string& text, T* field) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgumentError("'" + text + "' is not a whole number");
  }
  *field = value;
  return OkStatus();
}

}  // namespace

FlagParser& FlagParser::Bind(std::string name, std::function<Status(const std::string&)> parse) {
  bindings_.push_back({std::move(name), std::move(parse)});
  return *this;
}

FlagParser& FlagParser::Text(std::string name, std::string* field) {
  return Bind(std::move(name), [field](const std::string& value) {
    *field = value;
    return OkStatus();
  });
}

FlagParser& FlagParser::Path(std::string name, std::filesystem::path* field) {
  return Bind(std::move(name), [field](const std::string& value) {
    *field = value;
    return OkStatus();
  });
}

FlagParser& FlagParser::Paths(std::string name, std::vector<std::filesystem::path>* field) {
  return Bind(std::move(name), [field](const std::string& value) {
    field->emplace_back(value);
    return OkStatus();
  });
}

FlagParser& FlagParser::Int(std::string name, int* field) {
  return Bind(std::move(name), [field](const std::string& value) { return ParseNumber(value, field); });
}

FlagParser& FlagParser::Size(std::string name, size_t* field) {
  return Bind(std::move(name), [field](const std::string& value) { return ParseNumber(value, field); });
}

FlagParser& FlagParser::Custom(std::string name, std::function<Status(const std::string&)> parse) {
  return Bind(std::move(name), std::move(parse));
}

Status FlagParser::Parse(int argc, char** argv) const {
  for (int i = 1; i < argc; i += 2) {
    const std::string_view name = argv[i];
    const Binding* binding = nullptr;
    for (const Binding& candidate : bindings_) {
      if (candidate.name == name) binding = &candidate;
    }
    if (binding == nullptr) return Refuse("unknown flag " + std::string(name));
    if (i + 1 >= argc) return Refuse(std::string(name) + " needs a value");
    if (Status parsed = binding->parse(argv[i + 1]); !parsed.ok()) {
      return Refuse(std::string(name) + ": " + std::string(parsed.message()));
    }
  }
  return OkStatus();
}

Status FlagParser::Usage() const { return InvalidArgumentError("usage: " + usage_); }

Status FlagParser::Refuse(const std::string& what) const {
  return InvalidArgumentError(what + "; usage: " + usage_);
}

}  // namespace hearth::bench
