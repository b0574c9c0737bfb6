#include "store/write_queue.h"

#include <exception>
#include <utility>

#include "base/logging.h"
#include "base/status_macros.h"

namespace hearth {
namespace {

constexpr char kItemSavepoint[] = "hearth_write_item";

Status RunWork(const WriteQueue::Work& work, Database& db) {
  try {
    return work(db);
  } catch (const std::exception& e) {
    return InternalError(std::string("write failed with an exception: ") + e.what());
  } catch (...) {
    return InternalError("write failed with an unknown exception");
  }
}

// Runs one item inside its own savepoint; on error undoes just that item.
Status RunItem(const WriteQueue::Work& work, Database& db) {
  RETURN_IF_ERROR(db.Execute(std::string("SAVEPOINT ") + kItemSavepoint));
  Status status = RunWork(work, db);
  if (status.ok()) {
    status = db.Execute(std::string("RELEASE ") + kItemSavepoint);
  }
  if (!status.ok() && db.InTransaction()) {
    db.Execute(std::string("ROLLBACK TO ") + kItemSavepoint + "; RELEASE " + kItemSavepoint)
        .IgnoreError();
  }
  return status;
}

}  // namespace

StatusOr<std::unique_ptr<WriteQueue>> WriteQueue::Open(const WriteQueueOptions& options) {
  if (options.capacity == 0 || options.max_batch == 0) {
    return InvalidArgumentError("write queue capacity and max_batch must be at least 1");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(options.database));
  return std::unique_ptr<WriteQueue>(new WriteQueue(std::move(db), options));
}

WriteQueue::WriteQueue(std::unique_ptr<Database> db, const WriteQueueOptions& options)
    : capacity_(options.capacity), max_batch_(options.max_batch), db_(std::move(db)) {
  thread_ = std::thread([this] { Run(); });
}

WriteQueue::~WriteQueue() { Shutdown(); }

std::future<Status> WriteQueue::Submit(Work work) {
  Item item{std::move(work), {}};
  std::future<Status> future = item.done.get_future();
  std::unique_lock lock(mu_);
  not_full_.wait(lock, [this] { return stopping_ || queue_.size() < capacity_; });
  if (stopping_) {
    item.done.set_value(FailedPreconditionError("the database writer is shutting down"));
    return future;
  }
  queue_.push_back(std::move(item));
  not_empty_.notify_one();
  return future;
}

void WriteQueue::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  std::lock_guard join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

void WriteQueue::Run() {
  while (true) {
    std::vector<Item> batch = TakeBatch();
    if (batch.empty()) return;  // stopping and drained
    RunBatch(batch);
  }
}

std::vector<WriteQueue::Item> WriteQueue::TakeBatch() {
  std::unique_lock lock(mu_);
  not_empty_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  std::vector<Item> batch;
  while (!queue_.empty() && batch.size() < max_batch_) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  not_full_.notify_all();
  return batch;
}

void WriteQueue::RunBatch(std::vector<Item>& batch) {
  std::vector<Status> results(batch.size());
  Status batch_status = db_->Execute("BEGIN IMMEDIATE");
  for (size_t i = 0; batch_status.ok() && i < batch.size(); ++i) {
    results[i] = RunItem(batch[i].work, *db_);
    // SQLite rolls the whole transaction back on some errors (disk full,
    // I/O); then the earlier items' work is gone too.
    if (!db_->InTransaction()) {
      batch_status = results[i].ok() ? InternalError("the write transaction was rolled back")
                                     : results[i];
    }
  }
  if (batch_status.ok()) batch_status = db_->Execute("COMMIT");
  if (!batch_status.ok()) {
    if (db_->InTransaction()) db_->Execute("ROLLBACK").IgnoreError();
    HEARTH_LOG(ERROR) << "database write batch of " << batch.size()
                      << " failed: " << batch_status;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Status result = !batch_status.ok() && results[i].ok()
                        ? batch_status.WithContext("committing the write batch")
                        : results[i];
    batch[i].done.set_value(std::move(result));
  }
}

}  // namespace hearth
