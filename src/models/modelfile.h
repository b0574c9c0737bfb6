// Modelfiles: Ollama's recipe for a model, parsed into a CreateSpec for the
// model store (models/model_store.h), and written back by `hearth show
// --modelfile`.
//
//   # comments start with '#'
//   FROM ./stories260K.gguf          a GGUF file (relative to the Modelfile's
//                                    folder) or an installed model's name
//   PARAMETER temperature 0.7        one known parameter per line
//   PARAMETER stop "<|eot_id|>"      (models/model_parameters.h); stop may repeat
//   SYSTEM You are a helpful bot.    the rest of the line,
//   TEMPLATE """{{ .System }}        or a triple-quoted value over many lines,
//   {{ .Prompt }}"""
//   LICENSE "MIT"                    or a quoted one ("\"" and "\\" escape)
//
// Instructions are case-insensitive. FROM is required, once; a later SYSTEM,
// TEMPLATE or LICENSE replaces an earlier one; a parameter other than stop
// may be set once. ADAPTER and MESSAGE (Ollama's) are refused as unsupported.
// A Modelfile is at most kMaxModelfileBytes of UTF-8 text.
//
// Every error is InvalidArgument and starts with the line it is about:
//   "line 4: unknown PARAMETER 'temprature'; did you mean 'temperature'?"
//   "line 9: the triple-quoted TEMPLATE that starts here is never closed"
// ReadModelfile puts the file's path in front of that.
//
// Thread-safety: pure functions (ResolveModelfileFrom reads the file system).
//
// Example:
//   ASSIGN_OR_RETURN(Modelfile modelfile, ReadModelfile(path));
//   ASSIGN_OR_RETURN(CreateSpec spec, ModelfileToCreateSpec(modelfile, path.parent_path()));
//   ASSIGN_OR_RETURN(ModelEntry entry, store.Create(name, spec));
#ifndef HEARTH_MODELS_MODELFILE_H_
#define HEARTH_MODELS_MODELFILE_H_

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "models/model_parameters.h"
#include "models/model_store.h"

namespace hearth {

inline constexpr size_t kMaxModelfileBytes = 1 << 20;

// A Modelfile as written; FROM not yet resolved.
struct Modelfile {
  std::string from;
  std::optional<std::string> template_text;
  std::optional<std::string> system;
  std::optional<std::string> license;
  ModelParameters parameters;

  friend bool operator==(const Modelfile&, const Modelfile&) = default;
};

// Parses Modelfile text. Parameters are checked here (name, type, range,
// repetition), so their errors carry line numbers. Errors: see above.
StatusOr<Modelfile> ParseModelfile(std::string_view text);

// Reads and parses the file at `path`. Errors: as ParseModelfile, prefixed
// with the path; NotFound and others as the file system reports them;
// InvalidArgument for a file over kMaxModelfileBytes or not a regular file.
StatusOr<Modelfile> ReadModelfile(const std::filesystem::path& path);

// Fills spec->from_file or spec->from_model from a FROM value (or the
// argument of `hearth create --from`): a path that exists (relative paths
// are taken from `base_dir`; "~/" is the home directory) is a file to
// import; a value that looks like a path (starts with '/', '.', '~', or ends
// in ".gguf") but names nothing is NotFound; anything else must be a model
// name (InvalidArgument otherwise). A directory is InvalidArgument (hearth
// imports GGUF files only).
Status ResolveModelfileFrom(std::string_view from, const std::filesystem::path& base_dir,
                            CreateSpec* spec);

// The CreateSpec `modelfile` describes, FROM resolved against `base_dir`.
StatusOr<CreateSpec> ModelfileToCreateSpec(const Modelfile& modelfile,
                                           const std::filesystem::path& base_dir);

// Modelfile text that ParseModelfile reads back into `modelfile`: FROM,
// TEMPLATE, SYSTEM, PARAMETER lines sorted by name, LICENSE. Multi-line
// values are triple-quoted, values with edge spaces or quotes are quoted.
std::string FormatModelfile(const Modelfile& modelfile);

// The Modelfile `hearth show --modelfile` and /api/show print for an
// installed model: a comment naming it, then FormatModelfile of its layers
// (FROM the blob path, or the model's name for a remote model).
std::string GeneratedModelfile(const ResolvedModel& model);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODELFILE_H_
