#include "auth/login_limiter.h"

#include <algorithm>
#include <string>

namespace hearth {

namespace {

// Names and addresses share one table; the prefix keeps a user called
// "10.0.0.1" apart from the address 10.0.0.1.
std::string NameKey(std::string_view name) { return "n:" + std::string(name); }
std::string AddressKey(std::string_view address) { return "a:" + std::string(address); }

}  // namespace

LoginLimiter::LoginLimiter(LoginLimits limits, const Clock& clock)
    : limits_(limits), clock_(clock) {}

Status LoginLimiter::Check(std::string_view name, std::string_view address) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  int64_t wait = WaitSeconds(NameKey(name), limits_.failures_per_name, now);
  if (!address.empty()) {
    wait = std::max(wait, WaitSeconds(AddressKey(address), limits_.failures_per_address, now));
  }
  if (wait == 0) return OkStatus();
  return ResourceExhaustedError("too many failed logins; try again in " + std::to_string(wait) +
                                " s");
}

void LoginLimiter::RecordFailure(std::string_view name, std::string_view address) {
  std::lock_guard lock(mu_);
  const TimePoint now = clock_.Now();
  Record(NameKey(name), limits_.failures_per_name, now);
  if (!address.empty()) Record(AddressKey(address), limits_.failures_per_address, now);
}

void LoginLimiter::RecordSuccess(std::string_view name) {
  std::lock_guard lock(mu_);
  Forget(NameKey(name));
}

int64_t LoginLimiter::WaitSeconds(const std::string& key, int limit, TimePoint now) {
  auto it = tracked_.find(key);
  if (it == tracked_.end() || limit <= 0) return 0;
  std::deque<TimePoint>& failures = it->second.failures;
  while (!failures.empty() && failures.front() + limits_.window <= now) failures.pop_front();
  if (failures.empty()) {
    Forget(key);
    return 0;
  }
  if (failures.size() < static_cast<size_t>(limit)) return 0;
  // The deque holds at most `limit` failures, so the oldest one is the one
  // that must leave the window before another attempt is allowed.
  const auto remaining = failures.front() + limits_.window - now;
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(remaining).count();
  return std::max<int64_t>(seconds, 1);
}

void LoginLimiter::Record(const std::string& key, int limit, TimePoint now) {
  if (limit <= 0 || limits_.max_tracked == 0) return;
  auto [it, inserted] = tracked_.try_emplace(key);
  Tracked& tracked = it->second;
  if (!inserted) recency_.erase(tracked.recency);
  tracked.recency = recency_.insert(recency_.end(), key);
  tracked.failures.push_back(now);
  while (tracked.failures.size() > static_cast<size_t>(limit)) tracked.failures.pop_front();
  while (tracked_.size() > limits_.max_tracked) Forget(recency_.front());
}

void LoginLimiter::Forget(const std::string& key) {
  auto it = tracked_.find(key);
  if (it == tracked_.end()) return;
  recency_.erase(it->second.recency);
  tracked_.erase(it);
}

}  // namespace hearth
