// What every inference route does with its ModelLease after the backend
// answers: report a lost runner to the scheduler, and say how the model's
// load and context shaped the call. Internal to server/.
//
// Thread-safety: pure functions over the lease (which is thread-safe).
#ifndef HEARTH_SERVER_LEASE_OUTCOME_H_
#define HEARTH_SERVER_LEASE_OUTCOME_H_

#include <chrono>

#include "base/status.h"
#include "models/scheduler.h"
#include "server/ollama_responses.h"

namespace hearth::internal {

// Passes `status` on, with two translations:
//  - Unavailable (the runner died) is reported to the scheduler first, so the
//    next request starts a new runner;
//  - ResourceExhausted (every slot busy and the model's queue full, or a
//    remote provider's 429) becomes Unavailable, which the HTTP layer answers
//    with 503 and Retry-After: the server is overloaded, not the request
//    wrong.
Status CheckedBackendStatus(ModelLease& lease, Status status);

// Total time since `start`, the lease's load time and any context clamp.
CallTiming TimingOf(const ModelLease& lease, std::chrono::steady_clock::time_point start);

}  // namespace hearth::internal

#endif  // HEARTH_SERVER_LEASE_OUTCOME_H_
