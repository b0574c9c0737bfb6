#include "app/thread_service.h"

#include <utility>

#include "base/status_macros.h"

namespace hearth {
namespace {

Status ThreadNotFound(int64_t thread_id) {
  return NotFoundError("thread " + std::to_string(thread_id) + " does not exist in this workspace");
}

}  // namespace

ThreadService::ThreadService(std::unique_ptr<Database> reader, WriteQueue& writer)
    : reader_(std::move(reader)), writer_(writer) {}

StatusOr<ThreadRow> ThreadService::CreateThread(int64_t workspace_id, std::string_view title,
                                                int64_t user_id) {
  ThreadRow row;
  RETURN_IF_ERROR(writer_
                      .Submit([&](Database& db) -> Status {
                        ThreadTable threads(db);
                        ASSIGN_OR_RETURN(const int64_t id, threads.Create(workspace_id, title, user_id));
                        ASSIGN_OR_RETURN(row, threads.Get(id));
                        return OkStatus();
                      })
                      .get());
  return row;
}

StatusOr<std::vector<ThreadRow>> ThreadService::ListThreads(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  return ThreadTable(*reader_).ListByWorkspace(workspace_id);
}

StatusOr<ThreadRow> ThreadService::GetThread(int64_t workspace_id, int64_t thread_id) {
  std::lock_guard lock(mu_);
  StatusOr<ThreadRow> thread = ThreadTable(*reader_).Get(thread_id);
  if (!thread.ok() && thread.status().code() != StatusCode::kNotFound) return thread.status();
  if (!thread.ok() || thread->workspace_id != workspace_id) return ThreadNotFound(thread_id);
  return thread;
}

Status ThreadService::DeleteThread(int64_t workspace_id, int64_t thread_id) {
  RETURN_IF_ERROR(GetThread(workspace_id, thread_id).status());
  return writer_.Submit([thread_id](Database& db) { return ThreadTable(db).Delete(thread_id); })
      .get();
}

StatusOr<std::vector<MessageRow>> ThreadService::ListMessages(int64_t workspace_id,
                                                              int64_t thread_id) {
  RETURN_IF_ERROR(GetThread(workspace_id, thread_id).status());
  std::lock_guard lock(mu_);
  return MessageTable(*reader_).ListByThread(thread_id);
}

StatusOr<std::vector<MessageRow>> ThreadService::ExportPage(int64_t workspace_id, int64_t after_id,
                                                            int64_t limit) {
  std::lock_guard lock(mu_);
  return MessageTable(*reader_).ListByWorkspace(workspace_id, after_id, limit);
}

}  // namespace hearth
