#include "base/status.h"

#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace hearth {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kInternal: return "INTERNAL";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kAborted: return "ABORTED";
    case StatusCode::kInsufficientStorage: return "INSUFFICIENT_STORAGE";
  }
  return "UNKNOWN";
}

Status::Status(StatusCode code, std::string message) : code_(code) {
  // OK carries no message so that every OK status compares equal.
  if (code != StatusCode::kOk) message_ = std::move(message);
}

std::string Status::ToString() const {
  std::string result(StatusCodeName(code_));
  if (!message_.empty()) {
    result += ": ";
    result += message_;
  }
  return result;
}

Status Status::WithContext(std::string_view prefix) const {
  if (ok()) return *this;
  std::string message(prefix);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

std::ostream& operator<<(std::ostream& os, const Status& status) { return os << status.ToString(); }

Status OkStatus() { return Status(); }

#define HEARTH_DEFINE_ERROR_FACTORY_(Name, Code) \
  Status Name(std::string_view message) { return Status(StatusCode::Code, std::string(message)); }

HEARTH_DEFINE_ERROR_FACTORY_(CancelledError, kCancelled)
HEARTH_DEFINE_ERROR_FACTORY_(InvalidArgumentError, kInvalidArgument)
HEARTH_DEFINE_ERROR_FACTORY_(DeadlineExceededError, kDeadlineExceeded)
HEARTH_DEFINE_ERROR_FACTORY_(NotFoundError, kNotFound)
HEARTH_DEFINE_ERROR_FACTORY_(AlreadyExistsError, kAlreadyExists)
HEARTH_DEFINE_ERROR_FACTORY_(PermissionDeniedError, kPermissionDenied)
HEARTH_DEFINE_ERROR_FACTORY_(ResourceExhaustedError, kResourceExhausted)
HEARTH_DEFINE_ERROR_FACTORY_(FailedPreconditionError, kFailedPrecondition)
HEARTH_DEFINE_ERROR_FACTORY_(UnavailableError, kUnavailable)
HEARTH_DEFINE_ERROR_FACTORY_(InternalError, kInternal)
HEARTH_DEFINE_ERROR_FACTORY_(UnauthenticatedError, kUnauthenticated)
HEARTH_DEFINE_ERROR_FACTORY_(AbortedError, kAborted)
HEARTH_DEFINE_ERROR_FACTORY_(InsufficientStorageError, kInsufficientStorage)

#undef HEARTH_DEFINE_ERROR_FACTORY_

namespace internal {

void DieBecauseStatusOrHasNoValue(const Status& status) {
  std::fprintf(stderr, "hearth: fatal: accessed the value of a StatusOr holding %s\n",
               status.ToString().c_str());
  std::abort();
}

Status StatusOrFromOkStatusError() {
  return InternalError(
      "a StatusOr was constructed from an OK Status, which carries no value "
      "(this is a bug in hearth)");
}

}  // namespace internal
}  // namespace hearth
