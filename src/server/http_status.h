// The one mapping from hearth's Status codes to HTTP status codes.
//
// Every route answers errors through this function so that a given failure
// looks the same on every endpoint. Thread-safe (pure functions).
#ifndef HEARTH_SERVER_HTTP_STATUS_H_
#define HEARTH_SERVER_HTTP_STATUS_H_

#include <string>

#include "base/status.h"

namespace hearth {

// 400 InvalidArgument, 401 Unauthenticated, 403 PermissionDenied, 404 NotFound,
// 409 AlreadyExists, 412 FailedPrecondition, 429 ResourceExhausted,
// 499 Cancelled, 503 Unavailable, 504 DeadlineExceeded, 500 otherwise.
// An OK status maps to 200.
int HttpStatusFor(const Status& status);

// The JSON error body every endpoint uses: {"error":"<message>"}, the shape
// Ollama's and OpenAI's clients read.
std::string ErrorBody(const Status& status);

}  // namespace hearth

#endif  // HEARTH_SERVER_HTTP_STATUS_H_
