// Status and StatusOr<T>: hearth's error values.
//
// Every fallible function in hearth returns a Status (success or an error code
// with a message) or a StatusOr<T> (a T, or a non-OK Status). No exception
// crosses a module's public header; errors travel as these values and are
// propagated with RETURN_IF_ERROR / ASSIGN_OR_RETURN (base/status_macros.h).
//
//   StatusOr<Model> LoadModel(std::string_view name) {
//     if (!store.Contains(name)) {
//       return NotFoundError("model '" + std::string(name) + "' is not in the store");
//     }
//     return Model(...);
//   }
//
//   StatusOr<Model> model = LoadModel("x");
//   if (!model.ok()) {
//     HEARTH_LOG(ERROR) << model.status();  // "NOT_FOUND: model 'x' is not in the store"
//     return model.status();
//   }
//   Use(*model);
//
// A message says what was wrong with which input and what the user can do.
// The codes are the canonical ones (as in abseil and gRPC); one function in
// server/ maps them to HTTP statuses.
//
// Thread-safety: Status and StatusOr are values. Const methods may be called
// concurrently; mutation needs external synchronization, like std::string.

#ifndef HEARTH_BASE_STATUS_H_
#define HEARTH_BASE_STATUS_H_

#include <cassert>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace hearth {

// The canonical error codes. kOk is success; every other code is an error.
enum class StatusCode {
  kOk,
  kCancelled,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kUnavailable,
  kInternal,
  kUnauthenticated,
  // The operation conflicts with one in progress (e.g. a second question to
  // a thread that is still answering); retrying later may succeed.
  kAborted,
  // The disk (or a quota) is full: the write did not happen and nothing was
  // half-written; retry once space is freed. HTTP 507.
  kInsufficientStorage,
};

// Returns the upper-case name of `code` ("OK", "NOT_FOUND", ...), or "UNKNOWN"
// for a value outside the enum. The returned view points at static storage.
std::string_view StatusCodeName(StatusCode code);

// The result of an operation: OK, or an error code with a message.
class [[nodiscard]] Status {
 public:
  // Creates an OK status.
  Status() = default;

  // Creates a status with `code` and `message`. An OK status carries no
  // message: when `code` is kOk the message is dropped.
  Status(StatusCode code, std::string message);

  // True if this is the OK status.
  bool ok() const { return code_ == StatusCode::kOk; }

  StatusCode code() const { return code_; }

  // The message given at construction; empty for OK.
  const std::string& message() const { return message_; }

  // "OK" for success; otherwise "<CODE NAME>: <message>", e.g.
  // "NOT_FOUND: model 'x' is not in the store" (just the name if the message
  // is empty).
  std::string ToString() const;

  // Returns a status with the same code and the message "<prefix>: <message>",
  // for adding what was being done when the error happened:
  //   RETURN_IF_ERROR(ReadFile(path).WithContext("loading config"));
  // An OK status is returned unchanged.
  Status WithContext(std::string_view prefix) const;

  // Explicitly discards this status, for the rare call whose failure does not
  // matter (e.g. best-effort cleanup). Prefer handling the error.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Writes status.ToString(); lets tests and logs print a Status directly.
std::ostream& operator<<(std::ostream& os, const Status& status);

// Factories, one per code. Each returns a Status with that code and `message`.
Status OkStatus();
Status CancelledError(std::string_view message);
Status InvalidArgumentError(std::string_view message);
Status DeadlineExceededError(std::string_view message);
Status NotFoundError(std::string_view message);
Status AlreadyExistsError(std::string_view message);
Status PermissionDeniedError(std::string_view message);
Status ResourceExhaustedError(std::string_view message);
Status FailedPreconditionError(std::string_view message);
Status UnavailableError(std::string_view message);
Status InternalError(std::string_view message);
Status UnauthenticatedError(std::string_view message);
Status AbortedError(std::string_view message);
Status InsufficientStorageError(std::string_view message);

namespace internal {

// Reports access to the value of a StatusOr that holds `status` and aborts.
[[noreturn]] void DieBecauseStatusOrHasNoValue(const Status& status);

// The error stored when a StatusOr is built from an OK Status.
Status StatusOrFromOkStatusError();

}  // namespace internal

// Either a value of type T or a non-OK Status explaining why there is none.
//
// Implicitly constructible from a T (or anything T is constructible from) and
// from a Status, so a function returning StatusOr<T> can `return value;` or
// `return NotFoundError(...);`. T may be move-only (e.g. std::unique_ptr).
//
// Constructing a StatusOr from an OK Status is a programming error: debug
// builds assert, release builds store an kInternal error instead.
//
// Accessing the value (value(), operator*, operator->) of a StatusOr that is
// not ok() is a programming error and aborts the process with the status.
template <typename T>
class [[nodiscard]] StatusOr {
  template <typename U>
  static constexpr bool kIsValueSource =
      std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, StatusOr> &&
      !std::is_same_v<std::remove_cvref_t<U>, Status> &&
      !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t>;

 public:
  using value_type = T;

  // Holds the error `status`, which must not be OK.
  StatusOr(const Status& status) : status_(status) { CheckNotOk(); }        // NOLINT
  StatusOr(Status&& status) : status_(std::move(status)) { CheckNotOk(); }  // NOLINT

  // Holds a T constructed from `value`; implicit when U converts to T.
  template <typename U = T>
  requires kIsValueSource<U>
  explicit(!std::is_convertible_v<U&&, T>) StatusOr(U&& value)  // NOLINT
      : value_(std::in_place, std::forward<U>(value)) {}

  // Holds a T constructed in place from `args`.
  template <typename... Args>
  explicit StatusOr(std::in_place_t, Args&&... args)
      : value_(std::in_place, std::forward<Args>(args)...) {}

  // True if a value is held (and status() is OK).
  bool ok() const { return value_.has_value(); }

  // OK when a value is held, else the error.
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  // The held value. Requires ok(); aborts otherwise.
  const T& value() const& { return CheckedValue(); }
  T& value() & { return CheckedValue(); }
  T&& value() && { return std::move(CheckedValue()); }

  const T& operator*() const& { return CheckedValue(); }
  T& operator*() & { return CheckedValue(); }
  T&& operator*() && { return std::move(CheckedValue()); }
  const T* operator->() const { return &CheckedValue(); }
  T* operator->() { return &CheckedValue(); }

  // The held value if ok(), else `fallback` converted to T.
  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }
  template <typename U>
  T value_or(U&& fallback) && {
    return ok() ? std::move(*value_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void CheckNotOk() {
    assert(!status_.ok() && "StatusOr constructed from an OK Status");
    if (status_.ok()) status_ = internal::StatusOrFromOkStatusError();
  }

  T& CheckedValue() {
    if (!value_.has_value()) internal::DieBecauseStatusOrHasNoValue(status_);
    return *value_;
  }
  const T& CheckedValue() const {
    if (!value_.has_value()) internal::DieBecauseStatusOrHasNoValue(status_);
    return *value_;
  }

  Status status_;  // OK exactly when value_ holds a value.
  std::optional<T> value_;
};

}  // namespace hearth

#endif  // HEARTH_BASE_STATUS_H_
