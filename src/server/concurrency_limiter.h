// ConcurrencyLimiter: at most N requests in flight per user and per API key,
// and at most L long requests (route_specs.h's RouteLane) in the server.
//
// The route table asks it for a slot once a request is authenticated and
// authorized, before the handler runs, and holds the slot until the response
// is finished (a streamed response: until its last chunk is written). A user
// counts every request made through any of their sessions and keys; a key
// counts the requests made with it (a request with a key takes a slot of
// both). The local owner of single-user mode and anonymous callers are not
// capped by the per-user and per-key caps: those keep users from crowding
// each other out, and the worker pool and its queue (503 with Retry-After)
// bound the server as a whole.
//
// The long-request cap counts every caller. Long requests (generation,
// embedding, search, job streams) can wait minutes for a busy model while
// holding an HTTP worker; capping them below the worker count keeps workers
// free for quick requests, which would otherwise queue behind them.
//
// Thread-safety: thread-safe. A Slot may be released on any thread.
//
// Example:
//   ConcurrencyLimiter limiter({.per_user = 4, .per_key = 2, .long_requests = 24});
//   StatusOr<ConcurrencyLimiter::Slot> slot = limiter.Acquire(principal, spec.lane);
//   if (!slot.ok()) return SetApiError(request, response, slot.status());  // 429 or 503
//   ... serve; the slot is released when `slot` is destroyed
#ifndef HEARTH_SERVER_CONCURRENCY_LIMITER_H_
#define HEARTH_SERVER_CONCURRENCY_LIMITER_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "auth/access.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "server/route_specs.h"

namespace hearth {

struct ConcurrencyCaps {
  int per_user = 0;       // 0: no cap
  int per_key = 0;        // 0: no cap
  int long_requests = 0;  // long requests of all callers together; 0: no cap
  // How the long-request cap is set, for its error message
  // ("--http-threads 32 minus --http-quick-threads 8").
  std::string long_requests_source;
};

class ConcurrencyLimiter {
 public:
  // A taken slot; releases it when destroyed. Move-only.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    friend class ConcurrencyLimiter;
    Slot(ConcurrencyLimiter* limiter, int64_t user_id, int64_t key_id, bool long_request)
        : limiter_(limiter), user_id_(user_id), key_id_(key_id), long_request_(long_request) {}
    void Release();

    ConcurrencyLimiter* limiter_ = nullptr;  // null: nothing held
    int64_t user_id_ = 0;                    // 0: no user slot held
    int64_t key_id_ = 0;                     // 0: no key slot held
    bool long_request_ = false;              // holds one of the long-request cap
  };

  explicit ConcurrencyLimiter(ConcurrencyCaps caps) : caps_(std::move(caps)) {}
  ConcurrencyLimiter(const ConcurrencyLimiter&) = delete;
  ConcurrencyLimiter& operator=(const ConcurrencyLimiter&) = delete;

  // A slot for one request of `principal` on a route of `lane`. Errors:
  // ResourceExhausted (429) naming the cap, its value and its flag
  // (--max-requests-per-user or --max-requests-per-key) when the user or the
  // key already has that many requests in flight; Unavailable (503) naming
  // the long-request cap and how it is set when a long request finds it
  // full. Nothing is taken on an error. Every live Slot must be destroyed
  // before the limiter.
  StatusOr<Slot> Acquire(const Principal& principal, RouteLane lane = RouteLane::kQuick);

  // Requests of `user_id` / `key_id` in flight now (tests, metrics).
  int InFlightForUser(int64_t user_id) const;
  int InFlightForKey(int64_t key_id) const;
  // Long requests in flight now, of every caller.
  int LongRequestsInFlight() const;

 private:
  void Release(int64_t user_id, int64_t key_id, bool long_request);

  const ConcurrencyCaps caps_;
  mutable std::mutex mu_;
  std::map<int64_t, int> by_user_ GUARDED_BY(mu_);  // entries only while > 0
  std::map<int64_t, int> by_key_ GUARDED_BY(mu_);
  int long_requests_ GUARDED_BY(mu_) = 0;
};

}  // namespace hearth

#endif  // HEARTH_SERVER_CONCURRENCY_LIMITER_H_
