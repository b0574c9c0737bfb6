#include "store/write_queue.h"

#include <atomic>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/store_test_database.h"
#include "store/transaction.h"

namespace hearth {
namespace {

class WriteQueueTest : public StoreTest {
 protected:
  std::unique_ptr<WriteQueue> OpenQueue(size_t capacity = 1024) {
    auto queue = WriteQueue::Open({.database = {.path = path()}, .capacity = capacity});
    EXPECT_TRUE(queue.ok()) << queue.status();
    return queue.ok() ? std::move(*queue) : nullptr;
  }
  static WriteQueue::Work Insert(std::string key) {
    return [key](Database& db) {
      return db.Execute("INSERT INTO settings VALUES ('" + key + "', 'v', 1)");
    };
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM settings"); }
};

TEST_F(WriteQueueTest, SubmittedWorkIsCommittedWhenTheFutureIsReady) {
  auto queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  EXPECT_TRUE(queue->Submit(Insert("a")).get().ok());
  EXPECT_EQ(Count(), 1);  // visible to another connection
}

TEST_F(WriteQueueTest, ConcurrentSubmittersAllLand) {
  auto queue = OpenQueue(8);
  ASSERT_NE(queue, nullptr);
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Status>> futures;
      for (int i = 0; i < kEach; ++i) {
        futures.push_back(queue->Submit(Insert(std::to_string(t) + "-" + std::to_string(i))));
      }
      for (auto& future : futures) failures += future.get().ok() ? 0 : 1;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(Count(), kThreads * kEach);
}

TEST_F(WriteQueueTest, AFailingItemRollsBackOnlyItselfInAGroup) {
  auto queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  // Hold the writer so the next three items are taken as one batch.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto gate = queue->Submit([released](Database&) {
    released.wait();
    return OkStatus();
  });
  auto good1 = queue->Submit(Insert("good1"));
  auto bad = queue->Submit([](Database& db) -> Status {
    Status first = db.Execute("INSERT INTO settings VALUES ('partial', 'v', 1)");
    if (!first.ok()) return first;
    return db.Execute("INSERT INTO settings VALUES ('good1', 'duplicate', 1)");
  });
  auto good2 = queue->Submit([](Database& db) -> Status {
    if (!db.InTransaction()) return InternalError("not in the group transaction");
    return db.Execute("INSERT INTO settings VALUES ('good2', 'v', 1)");
  });
  release.set_value();
  EXPECT_TRUE(gate.get().ok());
  EXPECT_TRUE(good1.get().ok());
  Status bad_status = bad.get();
  EXPECT_FALSE(bad_status.ok());
  EXPECT_NE(bad_status.message().find("UNIQUE"), std::string::npos) << bad_status;
  EXPECT_TRUE(good2.get().ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings WHERE key = 'partial'"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings WHERE key IN ('good1', 'good2')"), 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings WHERE value = 'duplicate'"), 0);
}

TEST_F(WriteQueueTest, AnExceptionBecomesInternalAndOthersCommit) {
  auto queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  auto throws = queue->Submit([](Database& db) -> Status {
    (void)db.Execute("INSERT INTO settings VALUES ('thrown', 'v', 1)");
    throw std::runtime_error("boom");
  });
  auto fine = queue->Submit(Insert("fine"));
  Status thrown = throws.get();
  EXPECT_EQ(thrown.code(), StatusCode::kInternal);
  EXPECT_NE(thrown.message().find("boom"), std::string::npos);
  EXPECT_TRUE(fine.get().ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM settings WHERE key = 'thrown'"), 0);
  EXPECT_EQ(Count(), 1);
}

TEST_F(WriteQueueTest, TypedTablesWorkInsideItems) {
  auto queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  auto created = queue->Submit([](Database& db) -> Status {
    auto id = WorkspaceTable(db).Create("queued", {.name = "Queued"});
    if (!id.ok()) return id.status();
    return ChunkTable(db).InsertBatch(999, {StoreTest::Chunk(0, "x")}).status();
  });
  EXPECT_EQ(created.get().code(), StatusCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM workspaces"), 0);  // the whole item rolled back
}

TEST_F(WriteQueueTest, ShutdownDrainsThenRefuses) {
  auto queue = OpenQueue();
  ASSERT_NE(queue, nullptr);
  std::vector<std::future<Status>> futures;
  for (int i = 0; i < 20; ++i) futures.push_back(queue->Submit(Insert(std::to_string(i))));
  queue->Shutdown();
  for (auto& future : futures) EXPECT_TRUE(future.get().ok());
  EXPECT_EQ(Count(), 20);
  Status late = queue->Submit(Insert("late")).get();
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count(), 20);
  queue->Shutdown();  // idempotent
}

TEST_F(WriteQueueTest, SubmitBlocksWhileTheQueueIsFull) {
  auto queue = OpenQueue(1);
  ASSERT_NE(queue, nullptr);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> running;
  auto gate = queue->Submit([released, &running](Database&) {
    running.set_value();
    released.wait();
    return OkStatus();
  });
  running.get_future().wait();           // the writer holds the gate item
  auto queued = queue->Submit(Insert("queued"));  // fills the single slot
  std::atomic<bool> third_returned = false;
  std::thread third([&] {
    queue->Submit(Insert("third")).wait();
    third_returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(third_returned);  // still blocked: nothing has left the queue
  release.set_value();
  third.join();
  EXPECT_TRUE(queued.get().ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(WriteQueueTest, ZeroCapacityIsInvalid) {
  auto queue = WriteQueue::Open({.database = {.path = path()}, .capacity = 0});
  EXPECT_EQ(queue.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
