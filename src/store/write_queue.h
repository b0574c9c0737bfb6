// WriteQueue: the single writer of hearth's database, with group commit.
//
// SQLite allows one writer at a time; rather than have every thread contend
// for the lock, writes are submitted here as functions and run on one thread
// with its own connection. The thread takes everything queued, runs it in
// ONE transaction (BEGIN IMMEDIATE ... COMMIT, so one fsync for many small
// writes), each item inside its own SAVEPOINT: an item that fails rolls back
// only its own changes and gets its own error, while the others commit. An
// item's future is fulfilled only after the COMMIT (or its failure).
//
// Backpressure: the queue is bounded; Submit() BLOCKS while it is full, so a
// fast producer (an ingestion job) slows to the pace of the disk instead of
// growing memory.
//
// Work functions run on the writer thread with the queue's Database; they
// must not submit to the same queue and wait (that deadlocks), nor keep the
// Database reference. A Transaction begun inside an item becomes a nested
// savepoint. An exception thrown by an item is caught and becomes Internal.
//
// Thread model: thread-safe. Shutdown() (or the destructor) stops accepting
// work, runs everything already queued, and joins the thread.
//
// Example:
//   ASSIGN_OR_RETURN(auto queue, WriteQueue::Open({.database = {.path = db_path}}));
//   std::future<Status> done = queue->Submit([&](Database& db) {
//     return DocumentTable(db).SetStatus(id, DocumentStatus::kReady);
//   });
//   RETURN_IF_ERROR(done.get());
#ifndef HEARTH_STORE_WRITE_QUEUE_H_
#define HEARTH_STORE_WRITE_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/database.h"

namespace hearth {

struct WriteQueueOptions {
  // The database the writer thread opens (and migrates) for itself.
  DatabaseOptions database;
  // Items waiting to run; Submit() blocks while this many are queued. >= 1.
  size_t capacity = 1024;
  // Most items run in one transaction, bounding how long one commit holds
  // the write lock. >= 1.
  size_t max_batch = 256;
};

class WriteQueue {
 public:
  using Work = std::function<Status(Database&)>;

  // Opens the database and starts the writer thread.
  // Errors: those of Database::Open; InvalidArgument for a zero capacity or
  // max_batch.
  static StatusOr<std::unique_ptr<WriteQueue>> Open(const WriteQueueOptions& options);

  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;
  // Shutdown().
  ~WriteQueue();

  // Queues `work`; blocks while the queue is full. The future yields the
  // item's Status once its transaction has committed: the work's own error,
  // or the commit's error (then none of the batch was written). After
  // Shutdown() the future is ready at once with FailedPrecondition.
  std::future<Status> Submit(Work work);

  // Stops accepting work, runs what is queued, and joins the writer thread.
  // Idempotent.
  void Shutdown();

 private:
  struct Item {
    Work work;
    std::promise<Status> done;
  };

  WriteQueue(std::unique_ptr<Database> db, const WriteQueueOptions& options);
  void Run();
  std::vector<Item> TakeBatch();
  void RunBatch(std::vector<Item>& batch);

  const size_t capacity_;
  const size_t max_batch_;
  std::unique_ptr<Database> db_;  // used only by the writer thread

  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<Item> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;

  std::mutex join_mu_;  // serializes Shutdown's join
  std::thread thread_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_WRITE_QUEUE_H_
