// LoginLimiter: slows password guessing. Failed logins are counted per user
// name and per client address in a sliding window; past the limit, further
// attempts are refused (ResourceExhausted, with the seconds to wait) without
// checking the password. A success clears the name's count.
//
//   LoginLimiter limiter(LoginLimits{}, Clock::Real());
//   RETURN_IF_ERROR(limiter.Check(name, address));
//   if (!VerifyPassword(hash, password)) {
//     limiter.RecordFailure(name, address);
//     return UnauthenticatedError("wrong user name or password");
//   }
//   limiter.RecordSuccess(name);
//
// Thread-safety: thread-safe. Memory is bounded: at most `max_tracked` names
// and addresses together (those that failed least recently are forgotten
// first), each holding at most its limit of failure times.
#ifndef HEARTH_AUTH_LOGIN_LIMITER_H_
#define HEARTH_AUTH_LOGIN_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace hearth {

struct LoginLimits {
  int failures_per_name = 5;      // within `window`
  int failures_per_address = 20;  // within `window`
  std::chrono::seconds window{300};
  size_t max_tracked = 10000;
};

class LoginLimiter {
 public:
  // `clock` must outlive the limiter.
  LoginLimiter(LoginLimits limits, const Clock& clock);

  LoginLimiter(const LoginLimiter&) = delete;
  LoginLimiter& operator=(const LoginLimiter&) = delete;

  // OK when an attempt for `name` from `address` may proceed; else
  // ResourceExhausted("too many failed logins; try again in N s"), N being
  // the whole seconds (at least 1) until the oldest counted failure leaves
  // the window. Names are compared exactly: callers normalize them first.
  // An empty `address` is not tracked.
  Status Check(std::string_view name, std::string_view address);
  // Counts one failed attempt against `name` and against `address`.
  void RecordFailure(std::string_view name, std::string_view address);
  // Forgets the failures of `name` (not those of any address).
  void RecordSuccess(std::string_view name);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  // The recent failures of one name or address: at most `limit` times, the
  // newest last, and the key's place in `recency_`.
  struct Tracked {
    std::deque<TimePoint> failures;
    std::list<std::string>::iterator recency;
  };

  // Seconds until the key may try again (0: now).
  int64_t WaitSeconds(const std::string& key, int limit, TimePoint now)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Record(const std::string& key, int limit, TimePoint now) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Forget(const std::string& key) EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LoginLimits limits_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Tracked> tracked_ GUARDED_BY(mu_);
  std::list<std::string> recency_ GUARDED_BY(mu_);  // least recently failed first
};

}  // namespace hearth

#endif  // HEARTH_AUTH_LOGIN_LIMITER_H_
