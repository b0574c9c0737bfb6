// Environment: read access to environment variables, behind an interface.
//
// Configuration code reads HEARTH_* variables through an Environment rather
// than calling getenv directly, so tests can supply variables without touching
// the process environment (which is shared by every test and thread).
//
//   Status status = binder.ApplyEnvironment(Environment::Process());
//
//   MapEnvironment env({{"HEARTH_PORT", "8080"}});   // in a test
//   Status status = binder.ApplyEnvironment(env);
//
// Thread-safety: Get() is const and safe to call concurrently. Process() reads
// the live process environment with getenv, which races with setenv/putenv
// called on other threads; hearth never modifies its environment after start.

#ifndef HEARTH_BASE_ENVIRONMENT_H_
#define HEARTH_BASE_ENVIRONMENT_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hearth {

class Environment {
 public:
  virtual ~Environment();

  // The value of variable `name`, or nullopt if it is not set. A variable set
  // to the empty string returns "".
  virtual std::optional<std::string> Get(std::string_view name) const = 0;

  // The environment of this process. The returned object lives for the
  // whole process; never delete it.
  static const Environment& Process();
};

// An Environment holding a fixed set of variables; for tests.
class MapEnvironment final : public Environment {
 public:
  explicit MapEnvironment(std::map<std::string, std::string> variables);
  // MapEnvironment env({{"HEARTH_PORT", "8080"}}); without this overload a
  // one-element list would be ambiguous.
  explicit MapEnvironment(
      std::initializer_list<std::pair<const std::string, std::string>> variables);

  std::optional<std::string> Get(std::string_view name) const override;

 private:
  std::map<std::string, std::string, std::less<>> variables_;
};

}  // namespace hearth

#endif  // HEARTH_BASE_ENVIRONMENT_H_
