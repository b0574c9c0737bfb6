#include "base/paths.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "base/escaping.h"
#include "base/posix_error.h"
#include "base/status_macros.h"
#include "base/utf8.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxNameBytes = 4096;
constexpr size_t kMaxComponentBytes = 255;

// Trusted paths (the base, directories being created) are shown whole in
// messages; only untrusted names are shortened.
std::string QuotePath(const fs::path& path) { return QuoteForDisplay(path.string(), 4096); }

Status Unsafe(std::string_view name, std::string_view why) {
  return InvalidArgumentError("unsafe path " + QuoteForDisplay(name) + ": " + std::string(why));
}

// The components of `name` that name something: not empty and not ".".
std::vector<std::string_view> Components(std::string_view name) {
  std::vector<std::string_view> components;
  while (!name.empty()) {
    const size_t slash = name.find('/');
    const std::string_view component = name.substr(0, slash);
    if (!component.empty() && component != ".") components.push_back(component);
    name.remove_prefix(slash == std::string_view::npos ? name.size() : slash + 1);
  }
  return components;
}

// The first character of `name` that may never appear in a name, if any.
std::optional<unsigned char> ForbiddenCharacter(std::string_view name) {
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '\\') return byte;
  }
  return std::nullopt;
}

Status CheckCharacters(std::string_view name) {
  if (!IsValidUtf8(name)) return Unsafe(name, "it is not valid UTF-8");
  const std::optional<unsigned char> forbidden = ForbiddenCharacter(name);
  if (!forbidden) return OkStatus();
  if (*forbidden == '\\')
    return Unsafe(name, "it contains a backslash; separate directories with '/'");
  if (*forbidden == 0) return Unsafe(name, "it contains a NUL byte");
  return Unsafe(name, "it contains a control character");
}

Status CheckComponents(std::string_view name) {
  const std::vector<std::string_view> components = Components(name);
  if (components.empty()) return Unsafe(name, "it names no file, only the directory itself");
  for (const std::string_view component : components) {
    if (component == "..") return Unsafe(name, "'..' components are not allowed");
    if (component.size() > kMaxComponentBytes) {
      return Unsafe(name, "a component is longer than 255 bytes");
    }
  }
  return OkStatus();
}

// True if `path` is `root` or lies below it; both must be canonical.
bool IsWithin(const fs::path& root, const fs::path& path) {
  auto it = path.begin();
  for (const fs::path& part : root) {
    if (it == path.end() || *it != part) return false;
    ++it;
  }
  return true;
}

Status UnusableBase(const fs::path& base, std::string_view why) {
  return FailedPreconditionError("base directory " + QuotePath(base) +
                                 " is not usable: " + std::string(why));
}

StatusOr<fs::path> CanonicalDirectory(const fs::path& base) {
  std::error_code error;
  fs::path root = fs::canonical(base, error);
  if (error) return UnusableBase(base, error.message());
  if (!fs::is_directory(root, error)) {
    return UnusableBase(base, error ? error.message() : "it is not a directory");
  }
  return root;
}

// Resolves `candidate`, whose parent is canonical and inside `root`. Returns
// nullopt if it does not exist, else its canonical path, which is checked to
// be inside `root` when `candidate` is a symbolic link.
StatusOr<std::optional<fs::path>> ResolveExisting(const fs::path& root, const fs::path& candidate,
                                                  std::string_view name) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(candidate, error);
  if (status.type() == fs::file_type::not_found) return std::optional<fs::path>();
  if (error) return PosixError(error.value(), "cannot resolve path " + QuoteForDisplay(name));
  if (!fs::is_symlink(status)) return std::optional<fs::path>(candidate);
  fs::path target = fs::canonical(candidate, error);
  if (error) {
    return PermissionDeniedError("path " + QuoteForDisplay(name) +
                                 " goes through a symbolic link that does not resolve (" +
                                 error.message() + "); refusing to follow it");
  }
  if (!IsWithin(root, target)) {
    return PermissionDeniedError("path " + QuoteForDisplay(name) + " resolves outside " +
                                 QuotePath(root) + " through a symbolic link");
  }
  return std::optional<fs::path>(std::move(target));
}

Status CheckIsDirectory(const fs::path& path, std::string_view name) {
  std::error_code error;
  if (fs::is_directory(path, error)) return OkStatus();
  return FailedPreconditionError("path " + QuoteForDisplay(name) +
                                 " continues below something that is not a directory");
}

std::optional<fs::path> PasswordDatabaseHome() {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
  passwd entry{};
  passwd* result = nullptr;
  if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &result) != 0 ||
      result == nullptr || result->pw_dir == nullptr || result->pw_dir[0] == '\0') {
    return std::nullopt;
  }
  return fs::path(result->pw_dir);
}

Status MakeDirectory(const fs::path& directory, fs::perms perms) {
  if (::mkdir(directory.c_str(), static_cast<mode_t>(perms)) == 0) return OkStatus();
  const int error = errno;
  std::error_code ignored;
  if (error == EEXIST && fs::is_directory(directory, ignored)) return OkStatus();
  const std::string context = "cannot create directory " + QuotePath(directory);
  if (error == EEXIST)
    return FailedPreconditionError(context + ": it exists and is not a directory");
  return PosixError(error, context);
}

}  // namespace

Status CheckSafeRelativeName(std::string_view name) {
  if (name.empty()) return Unsafe(name, "the name is empty");
  if (name.size() > kMaxNameBytes) return Unsafe(name, "it is longer than 4096 bytes");
  RETURN_IF_ERROR(CheckCharacters(name));
  if (name.front() == '/')
    return Unsafe(name, "absolute paths are not allowed; give a relative one");
  return CheckComponents(name);
}

StatusOr<fs::path> SafeJoin(const fs::path& base, std::string_view untrusted_relative) {
  RETURN_IF_ERROR(CheckSafeRelativeName(untrusted_relative));
  ASSIGN_OR_RETURN(const fs::path root, CanonicalDirectory(base));
  const std::vector<std::string_view> components = Components(untrusted_relative);
  fs::path current = root;
  size_t i = 0;
  for (; i < components.size(); ++i) {
    ASSIGN_OR_RETURN(std::optional<fs::path> resolved,
                     ResolveExisting(root, current / components[i], untrusted_relative));
    if (!resolved) break;
    current = std::move(*resolved);
  }
  if (i == components.size()) return current;
  // components[i] does not exist, so nothing below it does and there are no
  // more links to follow; but its parent must be a directory to hold it.
  RETURN_IF_ERROR(CheckIsDirectory(current, untrusted_relative));
  for (; i < components.size(); ++i) current /= components[i];
  return current;
}

fs::path DefaultHearthHome(const Environment& env) {
  const std::optional<std::string> hearth_home = env.Get("HEARTH_HOME");
  if (hearth_home && !hearth_home->empty()) return fs::path(*hearth_home);
  const std::optional<std::string> home = env.Get("HOME");
  if (home && !home->empty()) return fs::path(*home) / ".hearth";
  const std::optional<fs::path> password_home = PasswordDatabaseHome();
  if (password_home) return *password_home / ".hearth";
  return fs::path(".hearth");
}

Status EnsureDirectory(const fs::path& path, fs::perms perms) {
  if (path.empty()) return InvalidArgumentError("cannot create a directory with an empty path");
  std::error_code ignored;
  if (fs::is_directory(path, ignored)) return OkStatus();
  fs::path partial;
  for (const fs::path& part : path) {
    partial /= part;
    RETURN_IF_ERROR(MakeDirectory(partial, perms));
  }
  return OkStatus();
}

}  // namespace hearth
