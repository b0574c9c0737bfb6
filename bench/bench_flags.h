// FlagParser: the "--name VALUE" flags of a benchmark program, each bound to
// a field of the program's Flags. Parse() refuses an unknown flag, a flag
// without its value and a number that does not parse, naming the flag and
// giving the program's usage line.
//
// Example:
//   Flags flags;
//   FlagParser parser("hearth-bench-load --hearth FILE --model FILE [--pairs N >= 1]");
//   parser.Path("--hearth", &flags.hearth).Path("--model", &flags.model)
//       .Int("--pairs", &flags.pairs);
//   RETURN_IF_ERROR(parser.Parse(argc, argv));
//   if (flags.hearth.empty() || flags.pairs < 1) return parser.Usage();
#ifndef HEARTH_BENCH_BENCH_FLAGS_H_
#define HEARTH_BENCH_BENCH_FLAGS_H_

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hearth::bench {

class FlagParser {
 public:
  // `usage`: the program's name and flags, as "usage: " + usage prints it.
  explicit FlagParser(std::string usage) : usage_(std::move(usage)) {}

  FlagParser& Text(std::string name, std::string* field);
  FlagParser& Path(std::string name, std::filesystem::path* field);
  // A flag that may be repeated; each value is appended.
  FlagParser& Paths(std::string name, std::vector<std::filesystem::path>* field);
  FlagParser& Int(std::string name, int* field);
  FlagParser& Size(std::string name, size_t* field);
  // A value parsed by `parse`, whose error is reported with the flag's name.
  FlagParser& Custom(std::string name, std::function<Status(const std::string&)> parse);

  // Parses argv[1..argc). Errors: InvalidArgument naming the flag, with the
  // usage line.
  Status Parse(int argc, char** argv) const;

  // InvalidArgument "usage: ...": for flags that parsed but do not fit.
  Status Usage() const;

 private:
  struct Binding {
    std::string name;
    std::function<Status(const std::string&)> parse;
  };
  FlagParser& Bind(std::string name, std::function<Status(const std::string&)> parse);
  Status Refuse(const std::string& what) const;

  std::string usage_;
  std::vector<Binding> bindings_;
};

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_BENCH_FLAGS_H_
