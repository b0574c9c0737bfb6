// ThreadService: the chat threads of workspaces and their messages, for the
// routes that list, create, read, export and delete them (answers are added
// by AnswerService).
//
// Every call names the workspace the caller was authorized for; a thread of
// another workspace is NotFound, exactly like one that does not exist.
//
// Thread-safety: thread-safe. Reads share one connection under a mutex;
// writes go through the WriteQueue.
#ifndef HEARTH_APP_THREAD_SERVICE_H_
#define HEARTH_APP_THREAD_SERVICE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/database.h"
#include "store/message_table.h"
#include "store/thread_table.h"
#include "store/write_queue.h"

namespace hearth {

class ThreadService {
 public:
  // `reader` is this service's own connection; `writer` must outlive it.
  ThreadService(std::unique_ptr<Database> reader, WriteQueue& writer);

  // A thread owned by `user_id` (0: the single-user local owner).
  // Errors: InvalidArgument for a bad title; NotFound for the workspace.
  StatusOr<ThreadRow> CreateThread(int64_t workspace_id, std::string_view title, int64_t user_id);
  // Most recently updated first.
  StatusOr<std::vector<ThreadRow>> ListThreads(int64_t workspace_id);
  // Errors: NotFound (also for another workspace's thread).
  StatusOr<ThreadRow> GetThread(int64_t workspace_id, int64_t thread_id);
  Status DeleteThread(int64_t workspace_id, int64_t thread_id);
  // The thread's messages, oldest first. Errors: as GetThread.
  StatusOr<std::vector<MessageRow>> ListMessages(int64_t workspace_id, int64_t thread_id);
  // A page of the workspace's messages for an export (MessageTable::
  // ListByWorkspace). Errors: InvalidArgument for limit < 1.
  StatusOr<std::vector<MessageRow>> ExportPage(int64_t workspace_id, int64_t after_id,
                                               int64_t limit);

 private:
  std::mutex mu_;
  std::unique_ptr<Database> reader_ GUARDED_BY(mu_);
  WriteQueue& writer_;
};

}  // namespace hearth

#endif  // HEARTH_APP_THREAD_SERVICE_H_
