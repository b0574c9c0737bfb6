#include "server/concurrency_limiter.h"

#include <string>
#include <utility>

namespace hearth {
namespace {

bool IsCapped(const Principal& principal) {
  return principal.kind == Principal::Kind::kUser || principal.kind == Principal::Kind::kApiKey;
}

// Whether one more request fits under `cap` (0: no cap).
bool Fits(const std::map<int64_t, int>& counts, int64_t id, int cap) {
  if (cap == 0) return true;
  auto it = counts.find(id);
  return it == counts.end() || it->second < cap;
}

void Decrement(std::map<int64_t, int>& counts, int64_t id) {
  auto it = counts.find(id);
  if (it != counts.end() && --it->second <= 0) counts.erase(it);
}

Status TooManyLong(const ConcurrencyCaps& caps) {
  return UnavailableError("the server is busy: " + std::to_string(caps.long_requests) +
                          " long requests (generation, embedding, search, streams) are in "
                          "flight, the most it takes at once (" +
                          caps.long_requests_source + "); retry shortly");
}

Status TooMany(const std::string& who, int cap, const char* flag) {
  return ResourceExhaustedError(who + " already has " + std::to_string(cap) +
                                " requests in flight; the limit is " + std::to_string(cap) + " (" +
                                flag + "); retry when one has finished");
}

}  // namespace

ConcurrencyLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)),
      user_id_(other.user_id_),
      key_id_(other.key_id_),
      long_request_(other.long_request_) {}

ConcurrencyLimiter::Slot& ConcurrencyLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = std::exchange(other.limiter_, nullptr);
    user_id_ = other.user_id_;
    key_id_ = other.key_id_;
    long_request_ = other.long_request_;
  }
  return *this;
}

ConcurrencyLimiter::Slot::~Slot() { Release(); }

void ConcurrencyLimiter::Slot::Release() {
  if (limiter_ != nullptr) std::exchange(limiter_, nullptr)->Release(user_id_, key_id_, long_request_);
}

StatusOr<ConcurrencyLimiter::Slot> ConcurrencyLimiter::Acquire(const Principal& principal,
                                                               RouteLane lane) {
  const bool capped = IsCapped(principal);
  const bool long_request = lane == RouteLane::kLong && caps_.long_requests > 0;
  if (!capped && !long_request) return Slot();
  const int64_t user_id = capped ? principal.user_id : 0;
  const int64_t key_id = capped && principal.kind == Principal::Kind::kApiKey ? principal.key_id : 0;
  std::lock_guard lock(mu_);
  if (capped && !Fits(by_user_, user_id, caps_.per_user)) {
    return TooMany("user '" + principal.user_name + "'", caps_.per_user,
                   "--max-requests-per-user");
  }
  if (key_id != 0 && !Fits(by_key_, key_id, caps_.per_key)) {
    return TooMany("this API key", caps_.per_key, "--max-requests-per-key");
  }
  if (long_request && long_requests_ >= caps_.long_requests) return TooManyLong(caps_);
  if (capped) ++by_user_[user_id];
  if (key_id != 0) ++by_key_[key_id];
  if (long_request) ++long_requests_;
  return Slot(this, user_id, key_id, long_request);
}

void ConcurrencyLimiter::Release(int64_t user_id, int64_t key_id, bool long_request) {
  std::lock_guard lock(mu_);
  if (user_id != 0) Decrement(by_user_, user_id);
  if (key_id != 0) Decrement(by_key_, key_id);
  if (long_request) --long_requests_;
}

int ConcurrencyLimiter::InFlightForUser(int64_t user_id) const {
  std::lock_guard lock(mu_);
  auto it = by_user_.find(user_id);
  return it == by_user_.end() ? 0 : it->second;
}

int ConcurrencyLimiter::InFlightForKey(int64_t key_id) const {
  std::lock_guard lock(mu_);
  auto it = by_key_.find(key_id);
  return it == by_key_.end() ? 0 : it->second;
}

int ConcurrencyLimiter::LongRequestsInFlight() const {
  std::lock_guard lock(mu_);
  return long_requests_;
}

}  // namespace hearth

