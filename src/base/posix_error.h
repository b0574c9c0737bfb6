// Conversion of POSIX errno values into Status.
//
// System calls report failure through errno; hearth reports it as a Status
// with a code the rest of the program (and the HTTP layer) understands and a
// message that says what was being done:
//
//   if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
//     return PosixError(errno, "cannot create directory '" + path.string() + "'");
//   }
//   // -> PERMISSION_DENIED: cannot create directory '/srv/x': Permission denied
//
// Thread-safety: thread-safe (uses the reentrant strerror_r).

#ifndef HEARTH_BASE_POSIX_ERROR_H_
#define HEARTH_BASE_POSIX_ERROR_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

// The StatusCode for errno value `error_number`: EACCES, EPERM, EROFS ->
// kPermissionDenied; ENOENT, ENOTDIR -> kNotFound; EEXIST -> kAlreadyExists;
// ENOSPC, EDQUOT, EMFILE, ENFILE, ENOMEM -> kResourceExhausted; EINVAL,
// ENAMETOOLONG, ELOOP -> kInvalidArgument; ETIMEDOUT -> kDeadlineExceeded;
// EAGAIN, EBUSY, EINTR -> kUnavailable; ECANCELED -> kCancelled; anything
// else -> kInternal. 0 is not an error and maps to kInternal as well.
StatusCode StatusCodeForErrno(int error_number);

// The system's description of `error_number` ("No such file or directory").
std::string ErrnoMessage(int error_number);

// A Status with StatusCodeForErrno(error_number) and the message
// "<context>: <ErrnoMessage(error_number)>".
Status PosixError(int error_number, std::string_view context);

}  // namespace hearth

#endif  // HEARTH_BASE_POSIX_ERROR_H_
