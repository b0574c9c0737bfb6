// Scheduler: which models are loaded, under one memory budget, and for how
// long. It is hearth's answer to the chat model that reloads on every
// question because an embedder competes with it for memory.
//
// Rules (docs/architecture.md, "The scheduler"):
//   - Every model has a footprint: estimated from its GGUF before loading
//     (models/memory_planner.h), replaced by the measured one after loading.
//     The sum over loaded models never exceeds the budget.
//   - Co-residency first: a load that fits beside what is loaded evicts
//     nothing. A load that does not fit evicts idle, unpinned models, least
//     recently used first, and only as many as needed; a model that is
//     serving a request (leased) or pinned is never evicted.
//   - A loaded model serves every request whose context fits. A request for
//     more context than loaded reloads the model only if the larger
//     footprint fits the budget (after evicting idle others); otherwise it is
//     served at the loaded context and the lease says so (`clamped`).
//   - When a model cannot fit even after eviction, the planner degrades in a
//     stated order (smaller context, then q8_0 KV cache); otherwise Acquire
//     fails with ResourceExhausted naming the MiB needed and available and
//     what holds the rest. Nothing is evicted by a load that then fails to fit.
//   - Keep-alive, with Ollama's semantics: after its last lease ends, a model
//     stays loaded for the request's keep_alive (default 5 minutes; negative
//     = forever; 0 = unload as soon as idle). Pinned models ignore it.
//   - A runner that dies is forgotten (event "crash") and the next Acquire
//     loads it again; a model that crashes `max_crashes` times within
//     `crash_window` is refused with Unavailable until that window passes.
//   - Every load, unload, failed load and crash is a ModelEvent with its reason
//     and duration: in the log, in the sink (the model_events table), and in
//     Events().
//
// Thread-safety: thread-safe. Loads run on the calling thread, one at a time;
// requests for models already loaded proceed meanwhile. A timer thread
// unloads models whose keep-alive has expired.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<Scheduler> scheduler,
//                    Scheduler::Create(options, store, StartRunnerLoader(runner_options)));
//   ASSIGN_OR_RETURN(ModelLease lease, scheduler->Acquire({.model = name}));
//   ASSIGN_OR_RETURN(GenerateResult out, lease.backend().Generate(request, on_piece, stop));
//   // lease released at scope exit; the model stays for its keep-alive
#ifndef HEARTH_MODELS_SCHEDULER_H_
#define HEARTH_MODELS_SCHEDULER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "models/inference.h"
#include "models/model_load_options.h"
#include "models/model_name.h"
#include "models/model_store.h"

namespace hearth {

struct SchedulerOptions {
  // Bytes all loaded models may hold together. 0 = physical RAM minus
  // max(2 GiB, 10 %) (DefaultBudget in models/quantization_advisor.h).
  uint64_t memory_budget = 0;
  // Keep-alive for requests that do not set one.
  std::chrono::seconds default_keep_alive = std::chrono::minutes(5);
  // Context per slot a model is loaded with when the request does not ask
  // for more; capped by the model's training context.
  int32_t default_context = 4096;
  // Concurrent generations per decoder model.
  int32_t slots = 1;
  // Runner CPU threads (0 = all cores) and tokens per decode.
  int32_t threads = 0;
  int32_t batch_size = 512;
  // Crash back-off: this many crashes within the window mark a model broken
  // until the window has passed.
  int32_t max_crashes = 3;
  std::chrono::seconds crash_window = std::chrono::minutes(5);
  // How often the timer thread looks for expired keep-alives.
  std::chrono::milliseconds expiry_interval = std::chrono::seconds(1);
};

// What a caller needs.
struct ModelRequest {
  ModelName model;
  // Context the request needs; 0 = whatever is loaded (or the default).
  int32_t context_length = 0;
  // Ollama's keep_alive: nullopt = the default; negative = forever; 0 =
  // unload when idle.
  std::optional<std::chrono::seconds> keep_alive = std::nullopt;
  // Why the caller wants it, for the load event ("chat", "embed", "pin").
  std::string purpose = "request";
};

enum class ModelEventKind { kLoad, kUnload, kLoadFailed, kCrash };
std::string_view ModelEventKindName(ModelEventKind kind);

struct ModelEvent {
  std::chrono::system_clock::time_point at = {};
  std::string model = {};  // display name
  ModelEventKind kind = ModelEventKind::kLoad;
  std::string reason = {};
  std::chrono::milliseconds duration{0};
  uint64_t bytes = 0;
};

// Receives every event (e.g. writes it to the database). Called with no
// scheduler lock held; must be thread-safe.
using ModelEventSink = std::function<void(const ModelEvent&)>;

// Starts a backend for a model: in production a `hearth runner` child
// (RunnerClient), in tests possibly an in-process InferenceEngine.
using BackendLoader = std::function<StatusOr<std::unique_ptr<InferenceBackend>>(
    const ResolvedModel& model, const ModelLoadOptions& options)>;

// One loaded model, as `hearth ps` and /api/ps show it.
struct LoadedModelInfo {
  std::string name;  // display name
  Digest digest;     // the model blob
  uint64_t bytes = 0;
  bool measured = false;  // bytes measured after loading (else estimated)
  ModelLoadOptions options;
  bool pinned = false;
  int32_t active_leases = 0;
  std::chrono::system_clock::time_point loaded_at;
  // When the keep-alive runs out; nullopt while serving, pinned or forever.
  std::optional<std::chrono::system_clock::time_point> expires_at;
  std::string load_reason;
};

namespace internal {
struct LoadedModel;
class LeaseOwner;
}

// A model held for one request: it cannot be evicted while a lease exists.
// Movable; releasing (destruction) starts the keep-alive.
class ModelLease {
 public:
  ModelLease(ModelLease&&) noexcept;
  ModelLease& operator=(ModelLease&&) noexcept;
  ModelLease(const ModelLease&) = delete;
  ModelLease& operator=(const ModelLease&) = delete;
  ~ModelLease();

  InferenceBackend& backend() const;
  const ResolvedModel& model() const;
  const ModelLoadOptions& options() const;
  // True when the model was loaded by this Acquire (Ollama's load_duration).
  bool loaded_now() const { return loaded_now_; }
  std::chrono::nanoseconds load_duration() const { return load_duration_; }
  // Set when the request asked for more context than it gets (the number it
  // asked for); the response must say so.
  std::optional<int32_t> clamped_from() const { return clamped_from_; }

  // Call when the backend returned Unavailable (its runner died): the
  // scheduler forgets the model, records a crash, and the next Acquire
  // starts a new runner.
  void ReportBackendFailure(const Status& status);

  // For the scheduler only (the types are internal).
  ModelLease(std::shared_ptr<internal::LoadedModel> model, internal::LeaseOwner* owner,
             std::optional<std::chrono::seconds> keep_alive);
  void SetLoadInfo(std::chrono::nanoseconds load_duration, std::optional<int32_t> clamped_from);

 private:
  void Release();

  std::shared_ptr<internal::LoadedModel> model_;
  internal::LeaseOwner* owner_ = nullptr;
  std::optional<std::chrono::seconds> keep_alive_;
  bool loaded_now_ = false;
  std::chrono::nanoseconds load_duration_{0};
  std::optional<int32_t> clamped_from_;
};

class Scheduler {
 public:
  // `store` must outlive the scheduler. `sink` may be empty.
  static StatusOr<std::unique_ptr<Scheduler>> Create(const SchedulerOptions& options,
                                                     const ModelStore& store, BackendLoader loader,
                                                     ModelEventSink sink = {},
                                                     Clock* clock = nullptr);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Returns a lease on the model, loading it when needed (see the rules
  // above). Errors: NotFound (not installed), ResourceExhausted (does not
  // fit; the message names the numbers), Unavailable (the runner failed to
  // start or the model is marked broken), and the loader's errors.
  StatusOr<ModelLease> Acquire(const ModelRequest& request);

  // Loads `model` now and keeps it loaded until Unpin (or Unload). Errors as
  // Acquire.
  Status Pin(const ModelName& model);
  void Unpin(const ModelName& model);

  // Unloads `model` as soon as its current leases end (Ollama's `stop`).
  // Errors: NotFound when it is not loaded.
  Status Unload(const ModelName& model, std::string reason);

  // Loaded models, most recently used first.
  std::vector<LoadedModelInfo> Loaded() const;
  // The most recent events (at most the last 256), oldest first.
  std::vector<ModelEvent> Events() const;
  uint64_t memory_budget() const;
  uint64_t memory_used() const;
  // SchedulerOptions::threads: the threads each runner computes with (0: one
  // per core).
  int32_t threads() const;

 private:
  class Impl;
  explicit Scheduler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hearth

#endif  // HEARTH_MODELS_SCHEDULER_H_
