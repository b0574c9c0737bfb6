// Path safety: the one place where names from outside become file paths.
//
// Model names, document names, upload names and anything else that arrives
// from a client, a file or a command line and is used to build a path goes
// through SafeJoin. No other code in hearth joins untrusted text onto a
// directory.
//
//   ASSIGN_OR_RETURN(std::filesystem::path file,
//                    SafeJoin(options.models_dir, request.model_file));
//   // `file` is an absolute path inside models_dir; it may not exist yet.
//
// What SafeJoin guarantees: at the moment of the call, the returned path lies
// inside the canonical base directory, even after following every symbolic
// link that exists along it.
//
// What it cannot guarantee (time of check to time of use): a process that can
// write inside the base directory may replace a directory on the path with a
// symbolic link after SafeJoin returns and before the caller opens the file.
// The base directory is therefore expected to be writable only by hearth's
// own user. Callers that create or open files where this matters should open
// with O_NOFOLLOW (refuses a symlink as the last component) and, for
// directories, open them with O_DIRECTORY | O_NOFOLLOW and continue with
// openat().
//
// Thread-safety: thread-safe (the functions keep no state), but they read the
// file system, which other threads and processes may be changing.

#ifndef HEARTH_BASE_PATHS_H_
#define HEARTH_BASE_PATHS_H_

#include <filesystem>
#include <string_view>

#include "base/environment.h"
#include "base/status.h"

namespace hearth {

// The lexical checks of SafeJoin, without touching the file system. Returns
// OK if `name` is a relative path that SafeJoin could accept, else
// InvalidArgument with a message that quotes `name` (escaped for printing,
// truncated if long) and says why it was rejected:
//   - it is empty, or consists only of "." components and slashes
//   - it is longer than 4096 bytes, or a component is longer than 255 bytes
//   - it is not valid UTF-8
//   - it contains a control character (bytes 0x00-0x1F, including NUL, or 0x7F)
//   - it contains a backslash
//   - it is absolute (starts with '/')
//   - it has a ".." component
// "." components and repeated or trailing slashes are allowed.
Status CheckSafeRelativeName(std::string_view name);

// Joins the untrusted relative path `untrusted_relative` onto the trusted
// directory `base` and returns the result as an absolute path inside the
// canonical form of `base`. The result may not exist yet.
//
// `base` must exist and be a directory; it is canonicalized (symbolic links
// in it are resolved), and the result is inside that canonical directory.
// "." components and repeated slashes are dropped. The longest prefix of the
// joined path that exists is resolved, following symbolic links, so the
// result contains no symbolic links up to the first missing component.
//
// Errors:
//   InvalidArgument     `untrusted_relative` fails CheckSafeRelativeName
//   PermissionDenied    a symbolic link on the path resolves outside the base
//                       ("... resolves outside ..."), or is dangling or a loop,
//                       so where it leads cannot be checked
//   FailedPrecondition  `base` does not exist or is not a directory, or the
//                       path continues below an existing non-directory
//   other codes         the file system refused a lookup (PosixError codes,
//                       e.g. PermissionDenied for an unsearchable directory)
StatusOr<std::filesystem::path> SafeJoin(const std::filesystem::path& base,
                                         std::string_view untrusted_relative);

// hearth's data directory: $HEARTH_HOME if set and non-empty, else
// $HOME/.hearth, else <home directory from the password database>/.hearth,
// else ".hearth" relative to the working directory. The path is returned as
// given (not made absolute) and is not created; see EnsureDirectory.
std::filesystem::path DefaultHearthHome(const Environment& env = Environment::Process());

// Creates `path` and any missing parent directories with permissions `perms`
// (default 0700, further restricted by the umask). Existing directories are
// left as they are, permissions included. Returns OK if `path` is (now) a
// directory. Errors carry the path and the system's reason, e.g.
// "PERMISSION_DENIED: cannot create directory '/srv/x': Permission denied";
// FailedPrecondition if `path` or a parent exists but is not a directory.
Status EnsureDirectory(const std::filesystem::path& path,
                       std::filesystem::perms perms = std::filesystem::perms::owner_all);

}  // namespace hearth

#endif  // HEARTH_BASE_PATHS_H_
