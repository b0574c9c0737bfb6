// ConcurrencyLimiter: at most N requests in flight per user and per API key.
//
// The route table asks it for a slot once a request is authenticated and
// authorized, before the handler runs, and holds the slot until the response
// is finished (a streamed response: until its last chunk is written). A user
// counts every request made through any of their sessions and keys; a key
// counts the requests made with it (a request with a key takes a slot of
// both). The local owner of single-user mode and anonymous callers are not
// capped: the caps keep users from crowding each other out, and the worker
// pool and its queue (503 with Retry-After) bound the server as a whole.
//
// Thread-safety: thread-safe. A Slot may be released on any thread.
//
// Example:
//   ConcurrencyLimiter limiter({.per_user = 4, .per_key = 2});
//   StatusOr<ConcurrencyLimiter::Slot> slot = limiter.Acquire(principal);
//   if (!slot.ok()) return SetApiError(request, response, slot.status());  // 429
//   ... serve; the slot is released when `slot` is destroyed
#ifndef HEARTH_SERVER_CONCURRENCY_LIMITER_H_
#define HEARTH_SERVER_CONCURRENCY_LIMITER_H_

#include <cstdint>
#include <map>
#include <mutex>

#include "auth/access.h"
#include "base/status.h"
#include "base/thread_annotations.h"

namespace hearth {

struct ConcurrencyCaps {
  int per_user = 0;  // 0: no cap
  int per_key = 0;   // 0: no cap
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
    Slot(ConcurrencyLimiter* limiter, int64_t user_id, int64_t key_id)
        : limiter_(limiter), user_id_(user_id), key_id_(key_id) {}
    void Release();

    ConcurrencyLimiter* limiter_ = nullptr;  // null: nothing held
    int64_t user_id_ = 0;
    int64_t key_id_ = 0;                     // 0: no key slot held
  };

  explicit ConcurrencyLimiter(ConcurrencyCaps caps) : caps_(caps) {}
  ConcurrencyLimiter(const ConcurrencyLimiter&) = delete;
  ConcurrencyLimiter& operator=(const ConcurrencyLimiter&) = delete;

  // A slot for one request of `principal`. Errors: ResourceExhausted naming
  // the cap, its value and its flag (--max-requests-per-user or
  // --max-requests-per-key) when the user or the key already has that many
  // requests in flight; nothing is taken then. Every live Slot must be
  // destroyed before the limiter.
  StatusOr<Slot> Acquire(const Principal& principal);

  // Requests of `user_id` / `key_id` in flight now (tests, metrics).
  int InFlightForUser(int64_t user_id) const;
  int InFlightForKey(int64_t key_id) const;

 private:
  void Release(int64_t user_id, int64_t key_id);

  const ConcurrencyCaps caps_;
  mutable std::mutex mu_;
  std::map<int64_t, int> by_user_ GUARDED_BY(mu_);  // entries only while > 0
  std::map<int64_t, int> by_key_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_SERVER_CONCURRENCY_LIMITER_H_
