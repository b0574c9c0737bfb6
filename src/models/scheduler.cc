#include "models/scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/logging.h"
#include "base/status_macros.h"
#include "base/thread_annotations.h"
#include "models/loaded_model.h"
#include "models/memory_planner.h"
#include "models/model_event_log.h"
#include "models/model_parameters.h"
#include "models/placement.h"
#include "models/quantization_advisor.h"

namespace hearth {
namespace {

using ModelPtr = std::shared_ptr<internal::LoadedModel>;
using SteadyTime = std::chrono::steady_clock::time_point;

// Where a model goes: the plan, and the idle models (already out of the
// table) to unload first.
struct Placement {
  LoadPlan plan;
  std::vector<ModelPtr> victims = {};
};

// The default budget: physical RAM minus the reserve (DefaultBudget).
uint64_t MachineBudget() {
  StatusOr<MachineMemory> memory = ReadMachineMemory();
  if (!memory.ok()) {
    HEARTH_LOG(WARNING) << "cannot read the machine's memory (" << memory.status()
                        << "); set --memory-budget. Assuming 8 GiB";
    return uint64_t{8} << 30;
  }
  return DefaultBudget(memory->total);
}

std::chrono::milliseconds MillisSince(SteadyTime start, const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now() - start);
}

// The model's training context (n_ctx_train); 0 when unknown (remote models).
int64_t TrainingContext(const ResolvedModel& model) {
  if (!model.gguf) return 0;
  return static_cast<int64_t>(model.gguf->GetArchUint("context_length").value_or(0));
}

// The context a request needs: its own num_ctx, else the model's num_ctx
// parameter (a default the request overrides), else 0 (no preference);
// never more than the model was trained for, since no load could give more.
// Errors: InvalidArgument when the stored num_ctx parameter is bad.
StatusOr<int32_t> WantedContext(const ResolvedModel& model, const ModelRequest& request) {
  int64_t wanted = request.context_length;
  if (wanted <= 0) {
    StatusOr<std::optional<int64_t>> stored = IntegerModelParameter(model.parameters, "num_ctx");
    if (!stored.ok()) {
      return InvalidArgumentError("model '" + request.model.DisplayName() +
                                  "' has a bad stored parameter: " + stored.status().message());
    }
    wanted = stored->value_or(0);
  }
  const int64_t trained = TrainingContext(model);
  if (wanted > 0 && trained > 0) wanted = std::min(wanted, trained);
  return static_cast<int32_t>(std::clamp<int64_t>(wanted, 0, INT32_MAX));
}

// The context the request asked for, when the lease serves less.
std::optional<int32_t> ClampedFrom(const ModelRequest& request, const ModelLoadOptions& served) {
  if (request.context_length > served.context_length) return request.context_length;
  return std::nullopt;
}

}  // namespace

class Scheduler::Impl : public internal::LeaseOwner {
 public:
  Impl(const SchedulerOptions& options, const ModelStore& store, BackendLoader loader,
       ModelEventSink sink, Clock& clock)
      : options_(options), store_(store), loader_(std::move(loader)), clock_(clock),
        events_(std::move(sink)) {
    if (options_.memory_budget == 0) options_.memory_budget = MachineBudget();
    timer_ = std::jthread([this](std::stop_token stop) { RunExpiryTimer(stop); });
  }

  ~Impl() override {
    timer_.request_stop();
    timer_cv_.notify_all();
    if (timer_.joinable()) timer_.join();
    std::vector<ModelPtr> all;
    {
      std::lock_guard lock(mu_);
      for (auto& [key, model] : loaded_) {
        model->gone = true;
        all.push_back(model);
      }
      loaded_.clear();
    }
    for (const ModelPtr& model : all) FinishUnload(model, "the server is shutting down");
  }

  StatusOr<ModelLease> Acquire(const ModelRequest& request) {
    RETURN_IF_ERROR(CheckNotBroken(request.model));
    if (std::optional<ModelLease> lease = TryLeaseLoaded(request)) return std::move(*lease);
    std::lock_guard load_lock(load_mu_);
    if (std::optional<ModelLease> lease = TryLeaseLoaded(request)) return std::move(*lease);
    return LoadAndLease(request);
  }

  Status Pin(const ModelName& name) {
    ModelRequest request{.model = name, .purpose = "pinned at start (--pin)"};
    ASSIGN_OR_RETURN(ModelLease lease, Acquire(request));
    std::lock_guard lock(mu_);
    pinned_keys_.insert(name.Key());
    if (auto it = loaded_.find(name.Key()); it != loaded_.end()) it->second->pinned = true;
    return OkStatus();
  }

  void Unpin(const ModelName& name) {
    std::lock_guard lock(mu_);
    pinned_keys_.erase(name.Key());
    if (auto it = loaded_.find(name.Key()); it != loaded_.end()) {
      it->second->pinned = false;
      if (it->second->leases == 0) it->second->expires = clock_.Now() + options_.default_keep_alive;
    }
  }

  Status Unload(const ModelName& name, std::string reason) {
    {
      std::lock_guard lock(mu_);
      auto it = loaded_.find(name.Key());
      if (it == loaded_.end()) {
        return NotFoundError("model '" + name.DisplayName() + "' is not loaded");
      }
      if (it->second->pinned) {
        return FailedPreconditionError("model '" + name.DisplayName() +
                                       "' is pinned (--pin) and stays loaded");
      }
    }
    UnloadWhenIdle(name.Key(), std::move(reason));
    return OkStatus();
  }

  std::vector<LoadedModelInfo> Loaded() const {
    std::lock_guard lock(mu_);
    std::vector<std::pair<SteadyTime, LoadedModelInfo>> rows;
    for (const auto& [key, model] : loaded_) rows.emplace_back(model->last_used, Describe(*model));
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<LoadedModelInfo> result;
    for (auto& row : rows) result.push_back(std::move(row.second));
    return result;
  }

  std::vector<ModelEvent> Events() const { return events_.Recent(); }
  uint64_t memory_budget() const { return options_.memory_budget; }
  int32_t threads() const { return options_.threads; }
  uint64_t memory_used() const {
    std::lock_guard lock(mu_);
    return UsedLocked();
  }

  // LeaseOwner:
  void Release(const ModelPtr& model, std::optional<std::chrono::seconds> keep_alive) override {
    std::string unload_reason;
    {
      std::lock_guard lock(mu_);
      model->leases--;
      model->last_used = clock_.Now();
      if (model->gone || model->leases > 0) return;
      if (model->unload_reason) {
        unload_reason = *model->unload_reason;
      } else if (!model->pinned) {
        std::chrono::seconds alive = keep_alive.value_or(options_.default_keep_alive);
        if (alive.count() == 0) {
          unload_reason = "keep_alive 0: unloaded when idle";
        } else {
          model->expires = alive.count() < 0 ? std::nullopt
                                             : std::optional(clock_.Now() + alive);
        }
      }
      if (unload_reason.empty()) return;
      // A reload may already have put a new instance under this key.
      auto it = loaded_.find(model->key);
      if (it != loaded_.end() && it->second == model) {
        TakeLocked(it);
      } else {
        model->gone = true;
      }
    }
    FinishUnload(model, unload_reason);
  }

  void BackendFailed(const ModelPtr& model, const Status& status) override {
    {
      std::lock_guard lock(mu_);
      if (model->gone) return;
      auto it = loaded_.find(model->key);
      if (it != loaded_.end() && it->second == model) loaded_.erase(it);
      model->gone = true;
      crashes_[model->key].push_back(clock_.Now());
    }
    events_.Record({.at = clock_.WallNow(), .model = model->display,
                    .kind = ModelEventKind::kCrash, .reason = status.message(),
                    .bytes = model->bytes});
  }

 private:
  std::optional<ModelLease> TryLeaseLoaded(const ModelRequest& request) {
    std::lock_guard lock(mu_);
    auto it = loaded_.find(request.model.Key());
    if (it == loaded_.end() || it->second->unload_reason) return std::nullopt;
    // A bad stored num_ctx goes on to LoadAndLease, which reports it.
    StatusOr<int32_t> wanted = WantedContext(it->second->resolved, request);
    if (!wanted.ok() || *wanted > it->second->options.context_length) return std::nullopt;
    ModelLease lease = LeaseLocked(it->second, request);
    lease.SetLoadInfo(std::chrono::nanoseconds(0), ClampedFrom(request, it->second->options));
    return lease;
  }

  ModelLease LeaseLocked(const ModelPtr& model, const ModelRequest& request) {
    model->leases++;
    model->last_used = clock_.Now();
    model->expires.reset();
    return ModelLease(model, this, request.keep_alive);
  }

  StatusOr<ModelLease> LoadAndLease(const ModelRequest& request) {
    ASSIGN_OR_RETURN(ResolvedModel model, store_.Resolve(request.model));
    if (model.remote) return LoadRemote(std::move(model), request);
    if (!model.gguf) {
      return FailedPreconditionError("model '" + request.model.DisplayName() +
                                     "' has no GGUF to load");
    }
    ASSIGN_OR_RETURN(int32_t context, WantedContext(model, request));
    ModelLoadOptions wanted = RequestedOptions(model, context);
    if (ModelPtr existing = FindLoaded(request.model.Key())) {
      // Here it is being unloaded (`stop`) or has less context than wanted;
      // a reload that would give no more context is never worth it.
      if (wanted.context_length <= existing->options.context_length ||
          !ReloadFits(existing, model, wanted)) {
        return LeaseClamped(existing, request);
      }
      UnloadWhenIdle(existing->key, "reloading with context " +
                                        std::to_string(wanted.context_length) + " (was " +
                                        std::to_string(existing->options.context_length) + ")");
    }
    ASSIGN_OR_RETURN(Placement placement, PlaceLocked(model, wanted, context, request));
    for (const ModelPtr& victim : placement.victims) {
      FinishUnload(victim, "evicted (idle, least recently used) to make room for " +
                               request.model.DisplayName());
    }
    return StartBackend(std::move(model), placement, request);
  }

  // A remote model holds no memory here: no placement, 0 bytes.
  StatusOr<ModelLease> LoadRemote(ResolvedModel model, const ModelRequest& request) {
    if (ModelPtr existing = FindLoaded(request.model.Key())) {
      std::lock_guard lock(mu_);
      if (!existing->gone && !existing->unload_reason) return LeaseLocked(existing, request);
    }
    Placement placement;
    placement.plan.options.context_length =
        request.context_length > 0 ? request.context_length : options_.default_context;
    return StartBackend(std::move(model), placement, request);
  }

  // Decides where the new model goes; takes the victims out of the table.
  StatusOr<Placement> PlaceLocked(const ResolvedModel& model, const ModelLoadOptions& wanted,
                                  int32_t min_context, const ModelRequest& request) {
    std::lock_guard lock(mu_);
    std::vector<PlacementCandidate> idle;
    std::vector<std::string> holders;
    for (const auto& [key, loaded] : loaded_) {
      if (loaded->leases == 0 && !loaded->pinned) {
        idle.push_back({key, loaded->bytes, loaded->last_used});
      } else {
        holders.push_back(loaded->display + " " + FormatMiB(loaded->bytes) +
                          (loaded->pinned ? " (pinned)" : " (serving)"));
      }
    }
    PlacementInput input{.gguf = *model.gguf,
                         .wanted = wanted,
                         .budget = options_.memory_budget,
                         .used = UsedLocked(),
                         .idle = std::move(idle),
                         .holders = std::move(holders),
                         .min_context = min_context,
                         .model_display = request.model.DisplayName()};
    ASSIGN_OR_RETURN(PlacementDecision decision, DecidePlacement(input));
    Placement placement{.plan = std::move(decision.plan)};
    for (const std::string& key : decision.victim_keys) {
      placement.victims.push_back(TakeLocked(loaded_.find(key)));
    }
    return placement;
  }

  StatusOr<ModelLease> StartBackend(ResolvedModel model, const Placement& placement,
                                    const ModelRequest& request) {
    const std::string display = request.model.DisplayName();
    SteadyTime start = clock_.Now();
    StatusOr<std::unique_ptr<InferenceBackend>> backend = loader_(model, placement.plan.options);
    std::chrono::milliseconds took = MillisSince(start, clock_);
    if (!backend.ok()) {
      events_.Record({.at = clock_.WallNow(), .model = display,
                      .kind = ModelEventKind::kLoadFailed, .reason = backend.status().message(),
                      .duration = took, .bytes = placement.plan.footprint.total()});
      return backend.status();
    }
    auto loaded = std::make_shared<internal::LoadedModel>(std::move(model));
    loaded->key = request.model.Key();
    loaded->display = display;
    loaded->options = placement.plan.options;
    loaded->backend = std::move(*backend);
    loaded->bytes = placement.plan.footprint.total();
    if (StatusOr<InferenceStats> stats = loaded->backend->Stats();
        stats.ok() && stats->resident_bytes > loaded->bytes) {
      loaded->bytes = stats->resident_bytes;
      loaded->measured = true;
    }
    loaded->loaded_at = clock_.WallNow();
    loaded->load_reason = LoadReason(request, placement);
    events_.Record({.at = loaded->loaded_at, .model = display, .kind = ModelEventKind::kLoad,
                    .reason = loaded->load_reason, .duration = took, .bytes = loaded->bytes});
    std::lock_guard lock(mu_);
    loaded->pinned = pinned_keys_.contains(loaded->key);
    loaded_[loaded->key] = loaded;
    ModelLease lease = LeaseLocked(loaded, request);
    lease.SetLoadInfo(std::max(std::chrono::nanoseconds(took), std::chrono::nanoseconds(1)),
                      ClampedFrom(request, loaded->options));
    return lease;
  }

  std::string LoadReason(const ModelRequest& request, const Placement& placement) const {
    std::string reason = request.purpose;
    for (const std::string& step : placement.plan.degradations) reason += "; " + step;
    if (!placement.victims.empty()) {
      reason += "; evicted";
      for (const ModelPtr& victim : placement.victims) reason += " " + victim->display;
    }
    return reason;
  }

  StatusOr<ModelLease> LeaseClamped(const ModelPtr& existing, const ModelRequest& request) {
    std::lock_guard lock(mu_);
    if (existing->gone) return UnavailableError("model '" + existing->display + "' was unloaded");
    ModelLease lease = LeaseLocked(existing, request);
    lease.SetLoadInfo(std::chrono::nanoseconds(0), ClampedFrom(request, existing->options));
    return lease;
  }

  // Whether `existing` can be reloaded with `wanted` (it must be idle, and
  // the larger footprint must fit once it and every idle model are gone).
  bool ReloadFits(const ModelPtr& existing, const ResolvedModel& model,
                  const ModelLoadOptions& wanted) {
    std::lock_guard lock(mu_);
    if (existing->leases > 0 || existing->gone) return false;
    uint64_t freeable = existing->pinned ? existing->bytes : 0;
    for (const auto& [key, loaded] : loaded_) {
      if (loaded->leases == 0 && !loaded->pinned) freeable += loaded->bytes;
    }
    uint64_t available = options_.memory_budget - std::min(options_.memory_budget, UsedLocked());
    return EstimateFootprint(*model.gguf, wanted).total() <= available + freeable;
  }

  // `context` is WantedContext's; 0 takes the default.
  ModelLoadOptions RequestedOptions(const ResolvedModel& model, int32_t context) const {
    ModelLoadOptions wanted;
    wanted.model_path = model.model_path;
    wanted.slots = options_.slots;
    wanted.threads = options_.threads;
    wanted.batch_size = options_.batch_size;
    if (context <= 0) context = options_.default_context;
    if (const int64_t trained = TrainingContext(model); trained > 0) {
      context = static_cast<int32_t>(std::min<int64_t>(context, trained));
    }
    if (model.gguf->IsEmbeddingModel()) {
      // Embedders and rerankers take whole inputs per decode: one slot, and
      // a batch as large as the context.
      wanted.slots = 1;
      wanted.batch_size = context;
    }
    wanted.context_length = context;
    return wanted;
  }

  Status CheckNotBroken(const ModelName& name) {
    std::lock_guard lock(mu_);
    auto it = crashes_.find(name.Key());
    if (it == crashes_.end()) return OkStatus();
    std::deque<SteadyTime>& times = it->second;
    while (!times.empty() && clock_.Now() - times.front() > options_.crash_window) {
      times.pop_front();
    }
    if (static_cast<int32_t>(times.size()) < options_.max_crashes) return OkStatus();
    return UnavailableError("model '" + name.DisplayName() + "' crashed " +
                            std::to_string(times.size()) + " times in the last " +
                            std::to_string(options_.crash_window.count()) +
                            " s and is not started again until that passes; see the log");
  }

  // Unloads the model now if idle, else once its leases end.
  void UnloadWhenIdle(const std::string& key, std::string reason) {
    ModelPtr idle;
    {
      std::lock_guard lock(mu_);
      auto it = loaded_.find(key);
      if (it == loaded_.end()) return;
      if (it->second->leases > 0) {
        it->second->unload_reason = std::move(reason);
        return;
      }
      idle = TakeLocked(it);
    }
    FinishUnload(idle, reason);
  }

  ModelPtr FindLoaded(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = loaded_.find(key);
    return it == loaded_.end() ? nullptr : it->second;
  }

  // Removes the entry from the table; the caller finishes the unload.
  ModelPtr TakeLocked(std::map<std::string, ModelPtr>::iterator it) EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ModelPtr model = it->second;
    model->gone = true;
    loaded_.erase(it);
    return model;
  }

  // Stops an idle model's backend (no lease holds it) and records the event.
  void FinishUnload(const ModelPtr& model, const std::string& reason) {
    SteadyTime start = clock_.Now();
    model->backend.reset();
    events_.Record({.at = clock_.WallNow(), .model = model->display,
                    .kind = ModelEventKind::kUnload, .reason = reason,
                    .duration = MillisSince(start, clock_), .bytes = model->bytes});
  }

  uint64_t UsedLocked() const EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    uint64_t used = 0;
    for (const auto& [key, model] : loaded_) used += model->bytes;
    return used;
  }

  LoadedModelInfo Describe(const internal::LoadedModel& model) const EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    LoadedModelInfo info;
    info.name = model.display;
    if (model.resolved.model_digest) info.digest = *model.resolved.model_digest;
    info.bytes = model.bytes;
    info.measured = model.measured;
    info.options = model.options;
    info.pinned = model.pinned;
    info.active_leases = model.leases;
    info.loaded_at = model.loaded_at;
    info.load_reason = model.load_reason;
    if (model.expires) {
      info.expires_at = clock_.WallNow() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                               *model.expires - clock_.Now());
    }
    return info;
  }

  void RunExpiryTimer(std::stop_token stop) {
    while (!stop.stop_requested()) {
      {
        std::unique_lock lock(mu_);
        timer_cv_.wait_for(lock, stop, options_.expiry_interval, [] { return false; });
      }
      if (stop.stop_requested()) return;
      UnloadExpired();
    }
  }

  void UnloadExpired() {
    std::vector<ModelPtr> expired;
    {
      std::lock_guard lock(mu_);
      SteadyTime now = clock_.Now();
      for (auto it = loaded_.begin(); it != loaded_.end();) {
        const ModelPtr& model = it->second;
        bool due = model->leases == 0 && !model->pinned && model->expires && *model->expires <= now;
        if (due) {
          expired.push_back(model);
          model->gone = true;
          it = loaded_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (const ModelPtr& model : expired) FinishUnload(model, "keep-alive expired");
  }

  SchedulerOptions options_;
  const ModelStore& store_;
  const BackendLoader loader_;
  Clock& clock_;
  ModelEventLog events_;

  std::mutex load_mu_;  // one load at a time
  mutable std::mutex mu_;
  std::condition_variable_any timer_cv_;
  std::map<std::string, ModelPtr> loaded_ GUARDED_BY(mu_);
  std::set<std::string> pinned_keys_ GUARDED_BY(mu_);
  std::map<std::string, std::deque<SteadyTime>> crashes_ GUARDED_BY(mu_);
  std::jthread timer_;
};

StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(const SchedulerOptions& options,
                                                       const ModelStore& store,
                                                       BackendLoader loader, ModelEventSink sink,
                                                       Clock* clock) {
  if (!loader) return InvalidArgumentError("the scheduler needs a backend loader");
  if (options.slots < 1) return InvalidArgumentError("--parallel must be at least 1");
  if (options.default_context < 16) return InvalidArgumentError("--context must be at least 16");
  Clock& chosen = clock != nullptr ? *clock : Clock::Real();
  return std::unique_ptr<Scheduler>(new Scheduler(
      std::make_unique<Impl>(options, store, std::move(loader), std::move(sink), chosen)));
}

Scheduler::Scheduler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Scheduler::~Scheduler() = default;

StatusOr<ModelLease> Scheduler::Acquire(const ModelRequest& request) { return impl_->Acquire(request); }
Status Scheduler::Pin(const ModelName& model) { return impl_->Pin(model); }
void Scheduler::Unpin(const ModelName& model) { impl_->Unpin(model); }
Status Scheduler::Unload(const ModelName& model, std::string reason) {
  return impl_->Unload(model, std::move(reason));
}
std::vector<LoadedModelInfo> Scheduler::Loaded() const { return impl_->Loaded(); }
std::vector<ModelEvent> Scheduler::Events() const { return impl_->Events(); }
uint64_t Scheduler::memory_budget() const { return impl_->memory_budget(); }
uint64_t Scheduler::memory_used() const { return impl_->memory_used(); }
int32_t Scheduler::threads() const { return impl_->threads(); }

}  // namespace hearth
