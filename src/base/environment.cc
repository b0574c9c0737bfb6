#include "base/environment.h"

#include <cstdlib>

#include "base/no_destructor.h"

namespace hearth {
namespace {

class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(std::string_view name) const override {
    // getenv needs a NUL-terminated name; a name with an embedded NUL cannot
    // be set, so it is simply absent.
    const std::string terminated(name);
    if (terminated.find('\0') != std::string::npos) return std::nullopt;
    const char* value = std::getenv(terminated.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }
};

}  // namespace

Environment::~Environment() = default;

const Environment& Environment::Process() {
  static NoDestructor<ProcessEnvironment> environment;
  return *environment.get();
}

MapEnvironment::MapEnvironment(std::map<std::string, std::string> variables)
    : variables_(variables.begin(), variables.end()) {}

MapEnvironment::MapEnvironment(
    std::initializer_list<std::pair<const std::string, std::string>> variables)
    : variables_(variables) {}

std::optional<std::string> MapEnvironment::Get(std::string_view name) const {
  const auto it = variables_.find(name);
  if (it == variables_.end()) return std::nullopt;
  return it->second;
}

}  // namespace hearth
