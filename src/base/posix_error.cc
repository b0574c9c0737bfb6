#include "base/posix_error.h"

#include <cerrno>
#include <cstring>

namespace hearth {
namespace {

// strerror_r comes in two flavors; overloading on the return type picks the
// right handling for whichever the C library declares.
[[maybe_unused]] const char* StrerrorResult(int result, const char* buffer) {
  return result == 0 ? buffer : "unknown error";
}
[[maybe_unused]] const char* StrerrorResult(const char* result, const char* /*buffer*/) {
  return result;
}

}  // namespace

StatusCode StatusCodeForErrno(int error_number) {
  switch (error_number) {
    case EACCES:
    case EPERM:
    case EROFS: return StatusCode::kPermissionDenied;
    case ENOENT:
    case ENOTDIR: return StatusCode::kNotFound;
    case EEXIST: return StatusCode::kAlreadyExists;
    case ENOSPC:
    case EDQUOT: return StatusCode::kInsufficientStorage;
    case EMFILE:
    case ENFILE:
    case ENOMEM: return StatusCode::kResourceExhausted;
    case EINVAL:
    case ENAMETOOLONG:
    case ELOOP: return StatusCode::kInvalidArgument;
    case ETIMEDOUT: return StatusCode::kDeadlineExceeded;
    case EAGAIN:
    case EBUSY:
    case EINTR: return StatusCode::kUnavailable;
    case ECANCELED: return StatusCode::kCancelled;
    default: return StatusCode::kInternal;
  }
}

std::string ErrnoMessage(int error_number) {
  char buffer[256] = "";
  return StrerrorResult(strerror_r(error_number, buffer, sizeof(buffer)), buffer);
}

Status PosixError(int error_number, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += ErrnoMessage(error_number);
  return Status(StatusCodeForErrno(error_number), std::move(message));
}

}  // namespace hearth
