// OptionBinder: the one mechanism that maps command-line flags and HEARTH_*
// environment variables onto plain options structs.
//
// Each field of an options struct is bound once, to a flag name, an optional
// environment variable and a line of help. The value a field ends up with
// follows one precedence, for every field and every command:
//
//   the struct's default  <  the environment variable  <  the flag
//
//   ServerOptions options;                      // defaults live in the struct
//   OptionBinder binder;
//   binder.Bind("host", "HEARTH_HOST", &options.host, "address to bind");
//   binder.Bind("port", "HEARTH_PORT", &options.port, "TCP port");
//   binder.BindBytes("max-upload", "HEARTH_MAX_UPLOAD", &options.max_upload_bytes,
//                    "largest accepted upload");
//   binder.BindDuration("keep-alive", "HEARTH_KEEP_ALIVE", &options.keep_alive,
//                       "how long an idle model stays loaded (negative: forever)");
//   RETURN_IF_ERROR(binder.ApplyEnvironment(Environment::Process()));
//   ASSIGN_OR_RETURN(std::vector<std::string> positional, binder.ApplyFlags(args));
//
// Flags are GNU-style long options: --name=value or --name value; a boolean is
// set by --name (true), --name=<bool> or --no-name (false), and never takes the
// next argument as its value. "--" ends option parsing. Value syntax is that of
// base/value_parsers.h. Errors are InvalidArgument and name the flag or
// variable and the offending value, e.g.
//   "invalid value for --port: 'http' is not a whole number"
//   "invalid value for HEARTH_MAX_UPLOAD: '12QB' is not a byte size; ..."
//
// Thread-safety: externally synchronized. A binder and the fields it is bound
// to are normally used by one thread during startup.

#ifndef HEARTH_BASE_OPTIONS_H_
#define HEARTH_BASE_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/environment.h"
#include "base/status.h"
#include "base/value_parsers.h"

namespace hearth {

class OptionBinder {
 public:
  OptionBinder();
  ~OptionBinder();

  OptionBinder(const OptionBinder&) = delete;
  OptionBinder& operator=(const OptionBinder&) = delete;

  // Each Bind* registers one option:
  //   flag    the long name without dashes ("host"); unique within the binder
  //   env     the full variable name ("HEARTH_HOST"), or "" for none
  //   target  the field to set; must be non-null and outlive the binder's use.
  //           Its value at Bind time is the default shown by Help().
  //   help    one line, lower case, no final period
  // Binding the same flag or variable twice is a programming error (asserts in
  // debug builds; the first binding wins otherwise).

  // Any text.
  void Bind(std::string flag, std::string env, std::string* target, std::string help);
  // A decimal integer (ParseInt64), range-checked for the target's type.
  void Bind(std::string flag, std::string env, int64_t* target, std::string help);
  void Bind(std::string flag, std::string env, int* target, std::string help);
  // A decimal number such as "0.5", "-3" or "1e4" (ParseDouble).
  void Bind(std::string flag, std::string env, double* target, std::string help);
  // --flag, --no-flag, --flag=true|false|yes|no|1|0; the same words in `env`.
  void Bind(std::string flag, std::string env, bool* target, std::string help);
  // A byte size such as "512MB" or "8GiB" (ParseByteSize).
  void BindBytes(std::string flag, std::string env, uint64_t* target, std::string help);
  // A duration such as "300ms", "5m", "1h30m", "30" (seconds) or "-1"
  // (ParseDuration; negative values are allowed).
  void BindDuration(std::string flag, std::string env, std::chrono::milliseconds* target,
                    std::string help);

  // A list: each occurrence of the flag appends its value, and the variable
  // holds comma-separated values ("--pin a --pin b", HEARTH_PIN="a,b").
  // Unlike other options, values from the variable and the flags accumulate.
  // Empty items are ignored.
  void BindList(std::string flag, std::string env, std::vector<std::string>* target,
                std::string help);

  // For a field whose default depends on other options (a preset chosen by
  // another flag, say): the same syntax as the plain overload, but the field
  // stays std::nullopt unless the flag or variable is given, so the caller can
  // tell "not given" from every value. Help() shows no default for nullopt.
  void Bind(std::string flag, std::string env, std::optional<std::string>* target,
            std::string help);
  void Bind(std::string flag, std::string env, std::optional<int64_t>* target, std::string help);
  void Bind(std::string flag, std::string env, std::optional<double>* target, std::string help);
  void Bind(std::string flag, std::string env, std::optional<bool>* target, std::string help);

  // Sets every bound field whose variable is set in `env` to a non-empty
  // value; a variable set to "" counts as unset. Stops at the first bad value
  // and returns InvalidArgument naming the variable and the value; fields
  // already set by earlier variables keep their new values.
  Status ApplyEnvironment(const Environment& env);

  // Applies the flags in `args` (the command line without the program name)
  // and returns the positional arguments, in order. A later flag overrides an
  // earlier one. Arguments after "--" are positional even if they start with
  // "-"; a lone "-" is positional. A value starting with "--" is not taken
  // from the next argument (write --name=--value). Errors (InvalidArgument):
  //   "unknown flag --x; see --help" (also for single-dash arguments like -x)
  //   "flag --host needs a value; ..."
  //   "invalid value for --port: ..."
  //   "--no-verbose does not take a value"
  // Stops at the first error; flags before it have been applied.
  StatusOr<std::vector<std::string>> ApplyFlags(const std::vector<std::string>& args);

  // One line per option, in binding order, with aligned columns:
  //   "  --host VALUE      (HEARTH_HOST) address to bind [default: 127.0.0.1]"
  // The "(VAR) " part is left out for options without a variable, and
  // "[default: ...]" for empty string defaults. Ends with a newline.
  std::string Help() const;

 private:
  struct Option {
    std::string flag;
    std::string env;
    std::string help;
    std::string value_name;  // shown after the flag in Help(); "" for booleans
    std::string default_text;
    std::function<Status(std::string_view)> assign;  // parses and stores a value
  };

  void Add(Option option);
  const Option* FindFlag(std::string_view name) const;
  // Applies args[index], taking its value from args[index + 1] if needed;
  // returns how many arguments were used (1 or 2).
  StatusOr<size_t> ApplyFlag(const std::vector<std::string>& args, size_t index) const;
  Status ApplyNegatedFlag(std::string_view name, bool has_value) const;

  std::vector<Option> options_;
};

}  // namespace hearth

#endif  // HEARTH_BASE_OPTIONS_H_
