#include "server/lease_outcome.h"

namespace hearth::internal {

Status CheckedBackendStatus(ModelLease& lease, Status status) {
  if (status.code() == StatusCode::kUnavailable) lease.ReportBackendFailure(status);
  if (status.code() == StatusCode::kResourceExhausted) {
    return UnavailableError("overloaded: " + status.message());
  }
  return status;
}

CallTiming TimingOf(const ModelLease& lease, std::chrono::steady_clock::time_point start) {
  return CallTiming{.total = std::chrono::steady_clock::now() - start,
                    .load = lease.load_duration(),
                    .clamped_from = lease.clamped_from(),
                    .context_length = lease.options().context_length};
}

}  // namespace hearth::internal
