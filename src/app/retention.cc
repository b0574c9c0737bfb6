#include "app/retention.h"

#include <utility>

#include "base/logging.h"
#include "base/status_macros.h"
#include "store/message_table.h"
#include "store/workspace_table.h"

namespace hearth {

StatusOr<RetentionReport> EnforceRetention(Database& reader, WriteQueue& writer,
                                           const Clock& clock) {
  ASSIGN_OR_RETURN(std::vector<WorkspaceRow> workspaces, WorkspaceTable(reader).List());
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             clock.WallNow().time_since_epoch())
                             .count();
  RetentionReport report;
  for (const WorkspaceRow& workspace : workspaces) {
    const int64_t days = workspace.settings.retention_days;
    if (days <= 0) continue;
    ++report.workspaces_checked;
    const int64_t cutoff_ms = now_ms - days * 24 * 60 * 60 * 1000;
    int64_t deleted = 0;
    RETURN_IF_ERROR(writer
                        .Submit([&](Database& db) -> Status {
                          ASSIGN_OR_RETURN(deleted,
                                           MessageTable(db).DeleteOlderThan(workspace.id, cutoff_ms));
                          return OkStatus();
                        })
                        .get());
    report.messages_deleted += deleted;
  }
  if (report.messages_deleted > 0) {
    RETURN_IF_ERROR(writer.Submit([](Database& db) { return db.ReclaimSpace(); }).get());
  }
  return report;
}

RetentionTimer::RetentionTimer(ReaderFactory open_reader, WriteQueue& writer,
                               std::chrono::seconds interval)
    : open_reader_(std::move(open_reader)), writer_(writer), interval_(interval) {
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

RetentionTimer::~RetentionTimer() {
  thread_.request_stop();
  wake_.notify_all();
}

void RetentionTimer::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    StatusOr<std::unique_ptr<Database>> reader = open_reader_();
    StatusOr<RetentionReport> report =
        reader.ok() ? EnforceRetention(**reader, writer_, Clock::Real())
                    : StatusOr<RetentionReport>(reader.status());
    if (!report.ok()) {
      HEARTH_LOG(WARNING) << "retention: " << report.status();
    } else if (report->messages_deleted > 0) {
      HEARTH_LOG(INFO) << "retention: deleted " << report->messages_deleted
                       << " messages past their workspace's retention";
    }
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, stop, interval_, [] { return false; });
  }
}

}  // namespace hearth
