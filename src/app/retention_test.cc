#include "app/retention.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/fake_clock.h"
#include "gtest/gtest.h"
#include "store/message_table.h"
#include "store/store_test_database.h"
#include "store/thread_table.h"

namespace hearth {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;

constexpr int64_t kDayMs = 24 * 60 * 60 * 1000;

// Retention at a fake "now" over a real temporary database: workspaces with
// 7, 30 and 0 (keep forever) days, threads whose messages sit on both sides
// of each cutoff. Rows are written with explicit times; the deletions go
// through a real WriteQueue, as in the server.
class RetentionTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto writer = WriteQueue::Open({.database = {.path = path()}});
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = std::move(*writer);
    now_ms_ = std::chrono::duration_cast<milliseconds>(clock_.WallNow().time_since_epoch()).count();
  }
  void TearDown() override {
    writer_.reset();
    StoreTest::TearDown();
  }

  int64_t Workspace(const std::string& slug, int64_t retention_days) {
    auto id = WorkspaceTable(db()).Create(
        slug, {.name = slug, .embedder = "embed-a", .retention_days = retention_days});
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }

  // A thread created and last updated at `at_ms` (ThreadTable stamps the
  // real time, which a fake "now" cannot be compared with).
  int64_t Thread(int64_t workspace_id, int64_t at_ms) {
    auto id = ThreadTable(db()).Create(workspace_id, "t");
    EXPECT_TRUE(id.ok()) << id.status();
    if (!id.ok()) return -1;
    auto stmt = db().Prepare("UPDATE threads SET created_at = ?2, updated_at = ?2 WHERE id = ?1");
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    if (!stmt.ok()) return -1;
    EXPECT_TRUE(stmt->Bind(1, *id).ok());
    EXPECT_TRUE(stmt->Bind(2, at_ms).ok());
    EXPECT_TRUE(stmt->Run().ok());
    return *id;
  }

  // A message created at `at_ms` with `sources` cited passages.
  int64_t Message(int64_t thread_id, int64_t at_ms, int sources = 0) {
    MessageRow row{.thread_id = thread_id,
                   .role = sources > 0 ? MessageRole::kAssistant : MessageRole::kUser,
                   .content = "m",
                   .created_at_ms = at_ms};
    for (int n = 1; n <= sources; ++n) {
      row.sources.push_back({.number = n, .chunk_id = n, .document_name = "doc"});
    }
    auto id = MessageTable(db()).Append(row);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }

  std::vector<int64_t> MessageIds(int64_t thread_id) {
    auto rows = MessageTable(db()).ListByThread(thread_id);
    EXPECT_TRUE(rows.ok()) << rows.status();
    std::vector<int64_t> ids;
    if (rows.ok()) {
      for (const MessageRow& row : *rows) ids.push_back(row.id);
    }
    return ids;
  }

  bool ThreadExists(int64_t id) { return ThreadTable(db()).Get(id).ok(); }

  RetentionReport Enforce() {
    auto report = EnforceRetention(db(), *writer_, clock_);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : RetentionReport{.workspaces_checked = -1};
  }

  int64_t Ago(int64_t ms) const { return now_ms_ - ms; }

  FakeClock clock_;
  int64_t now_ms_ = 0;
  std::unique_ptr<WriteQueue> writer_;
};

TEST_F(RetentionTest, DeletesExactlyWhatIsOlderThanEachWorkspacesLimit) {
  const int64_t week = Workspace("week", 7);
  const int64_t forever = Workspace("forever", 0);
  const int64_t month = Workspace("month", 30);

  const int64_t mixed = Thread(week, Ago(60 * kDayMs));
  Message(mixed, Ago(8 * kDayMs), 2);
  Message(mixed, Ago(7 * kDayMs + 1), 1);  // one millisecond past the limit
  const int64_t boundary = Message(mixed, Ago(7 * kDayMs), 1);
  const int64_t recent = Message(mixed, Ago(kDayMs), 3);
  const int64_t all_old = Thread(week, Ago(60 * kDayMs));
  Message(all_old, Ago(20 * kDayMs), 1);
  Message(all_old, Ago(10 * kDayMs));
  const int64_t empty_old = Thread(week, Ago(10 * kDayMs));
  const int64_t empty_recent = Thread(week, Ago(kDayMs));

  const int64_t kept_forever = Thread(forever, Ago(400 * kDayMs));
  const int64_t ancient = Message(kept_forever, Ago(400 * kDayMs), 2);

  const int64_t monthly = Thread(month, Ago(60 * kDayMs));
  Message(monthly, Ago(31 * kDayMs), 1);
  const int64_t within_month = Message(monthly, Ago(20 * kDayMs), 1);

  ASSERT_EQ(QueryInt("SELECT count(*) FROM messages"), 9);
  ASSERT_EQ(QueryInt("SELECT count(*) FROM message_sources"), 12);

  const RetentionReport report = Enforce();
  EXPECT_EQ(report.workspaces_checked, 2);  // "forever" keeps everything
  EXPECT_EQ(report.messages_deleted, 5);    // 2 + 2 in "week", 1 in "month"

  EXPECT_EQ(MessageIds(mixed), (std::vector<int64_t>{boundary, recent}));
  EXPECT_FALSE(ThreadExists(all_old));   // left empty, last updated 10 days ago
  EXPECT_FALSE(ThreadExists(empty_old));  // empty and idle past the limit
  EXPECT_TRUE(ThreadExists(empty_recent));  // empty but within the limit
  EXPECT_EQ(MessageIds(kept_forever), std::vector<int64_t>{ancient});
  EXPECT_EQ(MessageIds(monthly), std::vector<int64_t>{within_month});
  // The deleted messages' sources went with them; the survivors' stayed.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM message_sources"), 1 + 3 + 2 + 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM message_sources WHERE message_id NOT IN "
                     "(SELECT id FROM messages)"),
            0);
}

TEST_F(RetentionTest, ABoundaryMessageGoesOneMillisecondLaterAndAPassIsIdempotent) {
  const int64_t week = Workspace("week", 7);
  const int64_t thread = Thread(week, Ago(30 * kDayMs));
  const int64_t boundary = Message(thread, Ago(7 * kDayMs), 1);
  const int64_t recent = Message(thread, Ago(kDayMs));

  EXPECT_EQ(Enforce().messages_deleted, 0);
  EXPECT_EQ(Enforce().messages_deleted, 0);
  EXPECT_EQ(MessageIds(thread), (std::vector<int64_t>{boundary, recent}));

  clock_.Advance(milliseconds(1));
  const RetentionReport report = Enforce();
  EXPECT_EQ(report.workspaces_checked, 1);
  EXPECT_EQ(report.messages_deleted, 1);
  EXPECT_EQ(MessageIds(thread), std::vector<int64_t>{recent});
  EXPECT_EQ(QueryInt("SELECT count(*) FROM message_sources"), 0);

  clock_.Advance(days(6) - milliseconds(1));  // "recent" is now exactly 7 days old: kept
  EXPECT_EQ(Enforce().messages_deleted, 0);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(Enforce().messages_deleted, 1);
  EXPECT_FALSE(ThreadExists(thread));  // empty, and last updated by "recent"
}

TEST_F(RetentionTest, NoWorkspaceWithALimitDeletesNothing) {
  const int64_t forever = Workspace("forever", 0);
  const int64_t thread = Thread(forever, Ago(1000 * kDayMs));
  const int64_t old = Message(thread, Ago(1000 * kDayMs), 1);
  const RetentionReport report = Enforce();
  EXPECT_EQ(report.workspaces_checked, 0);
  EXPECT_EQ(report.messages_deleted, 0);
  EXPECT_EQ(MessageIds(thread), std::vector<int64_t>{old});
  EXPECT_EQ(QueryInt("SELECT count(*) FROM message_sources"), 1);
}

}  // namespace
}  // namespace hearth
