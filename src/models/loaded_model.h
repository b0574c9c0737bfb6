// internal::LoadedModel: the scheduler's record of one model in memory, and
// internal::LeaseOwner, the part of the scheduler a ModelLease calls back.
// Not part of the models/ API: include models/scheduler.h instead.
//
// Thread-safety: the mutable fields are guarded by the scheduler's mutex;
// `backend` is thread-safe itself and lives as long as any lease.
#ifndef HEARTH_MODELS_LOADED_MODEL_H_
#define HEARTH_MODELS_LOADED_MODEL_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "models/scheduler.h"

namespace hearth::internal {

struct LoadedModel {
  explicit LoadedModel(ResolvedModel model) : resolved(std::move(model)) {}

  std::string key;      // ModelName::Key()
  std::string display;  // ModelName::DisplayName()
  ResolvedModel resolved;
  ModelLoadOptions options;
  std::unique_ptr<InferenceBackend> backend;
  uint64_t bytes = 0;
  bool measured = false;
  std::chrono::system_clock::time_point loaded_at;
  std::string load_reason;

  // Scheduler state (under the scheduler's mutex).
  bool pinned = false;
  int32_t leases = 0;
  std::chrono::steady_clock::time_point last_used;
  // When idle: when it expires; nullopt = never (keep_alive < 0 or pinned).
  std::optional<std::chrono::steady_clock::time_point> expires;
  std::optional<std::string> unload_reason;  // unload once the leases end
  bool gone = false;  // no longer in the scheduler's table
};

class LeaseOwner {
 public:
  virtual ~LeaseOwner() = default;
  virtual void Release(const std::shared_ptr<LoadedModel>& model,
                       std::optional<std::chrono::seconds> keep_alive) = 0;
  virtual void BackendFailed(const std::shared_ptr<LoadedModel>& model, const Status& status) = 0;
};

}  // namespace hearth::internal

#endif  // HEARTH_MODELS_LOADED_MODEL_H_
