#include "store/audit_table.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

using AuditTableTest = StoreTest;

AuditRow Event(const std::string& action, int64_t at_ms) {
  return {.at_ms = at_ms,
          .actor_user_id = 1,
          .actor_name = "ann",
          .action = action,
          .target = "user:2",
          .detail = "role=default",
          .address = "127.0.0.1"};
}

TEST_F(AuditTableTest, AppendThenListNewestFirst) {
  AuditTable table(db());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(table.Append(Event("event" + std::to_string(i), i * 100)).ok());
  }
  auto rows = table.List(3, 0);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].action, "event5");
  EXPECT_EQ((*rows)[0].at_ms, 500);
  EXPECT_EQ((*rows)[0].actor_user_id, 1);
  EXPECT_EQ((*rows)[0].actor_name, "ann");
  EXPECT_EQ((*rows)[0].target, "user:2");
  EXPECT_EQ((*rows)[0].detail, "role=default");
  EXPECT_EQ((*rows)[0].address, "127.0.0.1");
  EXPECT_EQ((*rows)[2].action, "event3");
  // The next page starts before the last id seen.
  auto next = table.List(3, rows->back().id);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].action, "event2");
  EXPECT_EQ((*next)[1].action, "event1");
}

TEST_F(AuditTableTest, BadRowsAndLimitsAreRejectedAndNothingIsWritten) {
  AuditTable table(db());
  AuditRow no_action = Event("", 0);
  AuditRow long_detail = Event("x", 0);
  long_detail.detail = std::string(5000, 'd');
  AuditRow nul_target = Event("x", 0);
  nul_target.target = "a\0b"s;
  for (const AuditRow& bad : {no_action, long_detail, nul_target}) {
    EXPECT_EQ(table.Append(bad).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM audit_events"), 0);
  EXPECT_EQ(table.List(0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.List(kMaxAuditPage + 1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(table.List(kMaxAuditPage, 0)->empty());
}

}  // namespace
}  // namespace hearth
