#include "models/model_event_log.h"

#include "base/logging.h"

namespace hearth {
namespace {

int64_t UnixMillis(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

std::string_view ModelEventKindName(ModelEventKind kind) {
  switch (kind) {
    case ModelEventKind::kLoad: return "load";
    case ModelEventKind::kUnload: return "unload";
    case ModelEventKind::kLoadFailed: return "load_failed";
    case ModelEventKind::kCrash: return "crash";
  }
  return "unknown";
}

void ModelEventLog::Record(const ModelEvent& event) {
  if (event.kind == ModelEventKind::kLoadFailed || event.kind == ModelEventKind::kCrash) {
    HEARTH_LOG(WARNING) << "model " << event.model << ": " << ModelEventKindName(event.kind)
                        << " (" << event.reason << ")";
  } else {
    HEARTH_LOG(INFO) << "model " << event.model << ": " << ModelEventKindName(event.kind) << " in "
                     << event.duration.count() << " ms, " << event.bytes / (1024 * 1024)
                     << " MiB (" << event.reason << ")";
  }
  {
    std::lock_guard lock(mu_);
    recent_.push_back(event);
    if (recent_.size() > kCapacity) recent_.pop_front();
  }
  if (sink_) sink_(event);
}

std::vector<ModelEvent> ModelEventLog::Recent() const {
  std::lock_guard lock(mu_);
  return {recent_.begin(), recent_.end()};
}

StatusOr<ModelEventSink> DatabaseEventSink(const std::filesystem::path& database_path) {
  StatusOr<std::unique_ptr<Database>> opened = Database::Open({.path = database_path});
  if (!opened.ok()) return opened.status();
  struct Writer {
    std::mutex mu;
    std::unique_ptr<Database> db;
  };
  auto writer = std::make_shared<Writer>();
  writer->db = std::move(*opened);
  return ModelEventSink([writer](const ModelEvent& event) {
    std::lock_guard lock(writer->mu);
    StatusOr<Statement> insert = writer->db->Prepare(
        "INSERT INTO model_events (at, model, kind, reason, duration_ms, bytes) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    Status status = insert.status();
    if (status.ok()) {
      Statement& statement = *insert;
      status = statement.Bind(1, UnixMillis(event.at));
      if (status.ok()) status = statement.Bind(2, event.model);
      if (status.ok()) status = statement.Bind(3, ModelEventKindName(event.kind));
      if (status.ok()) status = statement.Bind(4, event.reason);
      if (status.ok()) status = statement.Bind(5, static_cast<int64_t>(event.duration.count()));
      if (status.ok()) status = statement.Bind(6, static_cast<int64_t>(event.bytes));
      if (status.ok()) status = statement.Run();
    }
    if (!status.ok()) HEARTH_LOG(WARNING) << "cannot record model event: " << status;
  });
}

}  // namespace hearth
