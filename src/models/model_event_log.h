// ModelEventLog: where the scheduler's load, unload, failed-load and crash
// events go: the log, an optional sink (the model_events table), and a ring
// of the most recent ones for `hearth ps`, /api/ps and the UI.
//
// Also the sink that writes events into hearth's database.
//
// Thread-safety: thread-safe. The sink is called without the ring's lock.
#ifndef HEARTH_MODELS_MODEL_EVENT_LOG_H_
#define HEARTH_MODELS_MODEL_EVENT_LOG_H_

#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "base/thread_annotations.h"
#include "models/scheduler.h"
#include "store/database.h"

namespace hearth {

class ModelEventLog {
 public:
  static constexpr size_t kCapacity = 256;

  explicit ModelEventLog(ModelEventSink sink) : sink_(std::move(sink)) {}

  // Logs `event`, keeps it in the ring and passes it to the sink.
  void Record(const ModelEvent& event);

  // The kept events, oldest first.
  std::vector<ModelEvent> Recent() const;

 private:
  const ModelEventSink sink_;
  mutable std::mutex mu_;
  std::deque<ModelEvent> recent_ GUARDED_BY(mu_);
};

// A sink that inserts each event into the model_events table of the database
// at `database_path` (its own connection, opened once; writes serialized).
// A failed write is logged, never thrown back into the scheduler.
// Errors: those of Database::Open.
StatusOr<ModelEventSink> DatabaseEventSink(const std::filesystem::path& database_path);

}  // namespace hearth

#endif  // HEARTH_MODELS_MODEL_EVENT_LOG_H_
