// Retention: a workspace's chat history older than its retention_days is
// deleted (messages with their sources and traces; threads left empty), and
// the database file gives the freed pages back.
//
// EnforceRetention() is one pass; RetentionTimer runs it at start and then
// every `interval` on its own thread until destroyed.
//
// Thread-safety: EnforceRetention may run on any thread (it borrows the
// reader for the call); RetentionTimer is thread-safe.
#ifndef HEARTH_APP_RETENTION_H_
#define HEARTH_APP_RETENTION_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/status.h"
#include "store/database.h"
#include "store/write_queue.h"

namespace hearth {

struct RetentionReport {
  int64_t workspaces_checked = 0;  // those with retention_days > 0
  int64_t messages_deleted = 0;
};

// Deletes, in every workspace with retention_days > 0, the messages created
// before clock.WallNow() - retention_days, then reclaims the space.
// `reader` lists the workspaces; the deletions go through `writer`.
StatusOr<RetentionReport> EnforceRetention(Database& reader, WriteQueue& writer,
                                           const Clock& clock);

class RetentionTimer {
 public:
  using ReaderFactory = std::function<StatusOr<std::unique_ptr<Database>>()>;

  // `writer` must outlive the timer. Errors of a pass are logged; the next
  // pass runs anyway.
  RetentionTimer(ReaderFactory open_reader, WriteQueue& writer, std::chrono::seconds interval);
  ~RetentionTimer();

 private:
  void Run(std::stop_token stop);

  ReaderFactory open_reader_;
  WriteQueue& writer_;
  const std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable_any wake_;
  std::jthread thread_;
};

}  // namespace hearth

#endif  // HEARTH_APP_RETENTION_H_
