#include "store/message_table.h"

#include <string>

#include "store/store_test_database.h"
#include "store/thread_table.h"
#include "store/transaction.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class MessageTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
    auto thread = ThreadTable(db()).Create(workspace_, "t");
    ASSERT_TRUE(thread.ok()) << thread.status();
    thread_ = *thread;
  }

  int64_t Messages() { return QueryInt("SELECT count(*) FROM messages"); }
  int64_t Sources() { return QueryInt("SELECT count(*) FROM message_sources"); }

  MessageRow Question(std::string text, int64_t epoch = 0) {
    return {.thread_id = thread_, .role = MessageRole::kUser, .content = std::move(text),
            .context_epoch = epoch};
  }

  static MessageSource Source(int64_t number, int64_t chunk_id, bool in_prompt = true) {
    return {.number = number, .chunk_id = chunk_id, .document_id = 3,
            .document_name = "walrus.pdf", .page_first = 2, .page_last = 3,
            .heading_path = "Anatomy > Teeth", .snippet = "tusks are teeth", .score = 0.75,
            .retrievers = "vector,lexical", .in_prompt = in_prompt};
  }

  MessageRow Answer(std::vector<MessageSource> sources, int64_t epoch = 0) {
    return {.thread_id = thread_, .role = MessageRole::kAssistant,
            .content = "Tusks are teeth [1].", .context_epoch = epoch, .model = "qwen3:4b",
            .prompt_tokens = 900, .cached_prompt_tokens = 600, .generated_tokens = 40,
            .ledger_json = R"({"passages":2})", .trace_json = R"({"steps":[]})",
            .sources = std::move(sources)};
  }

  int64_t AppendOrFail(const MessageRow& row) {
    auto id = MessageTable(db()).Append(row);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }

  int64_t workspace_ = 0;
  int64_t thread_ = 0;
};

TEST_F(MessageTableTest, AppendThenGetRoundTripsEveryField) {
  const int64_t id = AppendOrFail(Answer({Source(2, 11, false), Source(1, 10)}, 4));
  auto row = MessageTable(db()).Get(id);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->id, id);
  EXPECT_EQ(row->thread_id, thread_);
  EXPECT_EQ(row->workspace_id, workspace_);
  EXPECT_EQ(row->role, MessageRole::kAssistant);
  EXPECT_EQ(row->content, "Tusks are teeth [1].");
  EXPECT_GT(row->created_at_ms, 1'600'000'000'000);
  EXPECT_EQ(row->context_epoch, 4);
  EXPECT_EQ(row->model, "qwen3:4b");
  EXPECT_EQ(row->prompt_tokens, 900);
  EXPECT_EQ(row->cached_prompt_tokens, 600);
  EXPECT_EQ(row->generated_tokens, 40);
  EXPECT_EQ(row->ledger_json, R"({"passages":2})");
  EXPECT_EQ(row->trace_json, R"({"steps":[]})");
  EXPECT_EQ(row->error, "");
  ASSERT_EQ(row->sources.size(), 2u);
  const MessageSource& first = row->sources[0];  // ordered by number
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(first.chunk_id, 10);
  EXPECT_EQ(first.document_id, 3);
  EXPECT_EQ(first.document_name, "walrus.pdf");
  EXPECT_EQ(first.page_first, 2);
  EXPECT_EQ(first.page_last, 3);
  EXPECT_EQ(first.heading_path, "Anatomy > Teeth");
  EXPECT_EQ(first.snippet, "tusks are teeth");
  EXPECT_DOUBLE_EQ(first.score, 0.75);
  EXPECT_EQ(first.retrievers, "vector,lexical");
  EXPECT_TRUE(first.in_prompt);
  EXPECT_EQ(row->sources[1].number, 2);
  EXPECT_FALSE(row->sources[1].in_prompt);
}

TEST_F(MessageTableTest, AppendKeepsAGivenTimeAndTouchesTheThread) {
  ASSERT_TRUE(db().Execute("UPDATE threads SET updated_at = 5").ok());
  MessageRow old = Question("old");
  old.created_at_ms = 1000;
  const int64_t id = AppendOrFail(old);
  EXPECT_EQ(MessageTable(db()).Get(id)->created_at_ms, 1000);
  EXPECT_EQ(ThreadTable(db()).Get(thread_)->updated_at_ms, 1000);
  AppendOrFail(Question("now"));
  EXPECT_GT(ThreadTable(db()).Get(thread_)->updated_at_ms, 1'600'000'000'000);
}

TEST_F(MessageTableTest, BadMessagesAreRefusedAndNothingIsWritten) {
  MessageTable table(db());
  MessageRow too_long = Question(std::string(kMaxMessageContentBytes + 1, 'a'));
  MessageRow bad_utf8 = Question("\xc3");
  MessageRow nul = Question("a\0b"s);
  MessageRow negative = Answer({});
  negative.generated_tokens = -1;
  MessageRow zero_number = Answer({Source(0, 1)});
  MessageRow repeated = Answer({Source(1, 1), Source(2, 2), Source(1, 3)});
  MessageRow bad_snippet = Answer({Source(1, 1)});
  bad_snippet.sources[0].snippet = "\xff";
  struct Case {
    const MessageRow& row;
    const char* names;
  };
  for (const Case& c : {Case{too_long, "message content"}, Case{bad_utf8, "message content"},
                        Case{nul, "message content"}, Case{negative, "generated_tokens"},
                        Case{zero_number, "source number 0"},
                        Case{repeated, "source number 1"}, Case{bad_snippet, "snippet"}}) {
    auto id = table.Append(c.row);
    ASSERT_FALSE(id.ok()) << c.names;
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << id.status();
    EXPECT_NE(id.status().message().find(c.names), std::string::npos) << id.status();
  }
  EXPECT_EQ(Messages(), 0);
  EXPECT_EQ(Sources(), 0);
  EXPECT_TRUE(table.Append(Question(std::string(kMaxMessageContentBytes, 'a'))).ok());
}

TEST_F(MessageTableTest, UnknownThreadIsNotFoundAndNothingIsWritten) {
  MessageRow row = Answer({Source(1, 1)});
  row.thread_id = 777;
  auto id = MessageTable(db()).Append(row);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_NE(id.status().message().find("thread 777"), std::string::npos);
  EXPECT_EQ(Messages(), 0);
  EXPECT_EQ(Sources(), 0);
  auto missing = MessageTable(db()).Get(5);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("message 5"), std::string::npos);
}

// Makes every source insert fail inside SQLite, after the message row of
// the same Append went in.
void FailSourceInserts(Database& db) {
  ASSERT_TRUE(db.Execute("CREATE TEMP TRIGGER fail_sources BEFORE INSERT ON message_sources "
                         "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;")
                  .ok());
}

TEST_F(MessageTableTest, AFailedSourceInsertLeavesNoMessageBehind) {
  FailSourceInserts(db());
  EXPECT_FALSE(MessageTable(db()).Append(Answer({Source(1, 1)})).ok());
  EXPECT_FALSE(db().InTransaction());
  EXPECT_EQ(Messages(), 0);
}

TEST_F(MessageTableTest, AppendInsideAnOpenTransactionRollsBackOnlyItsSavepoint) {
  auto outer = Transaction::Begin(db());
  ASSERT_TRUE(outer.ok());
  MessageTable table(db());
  ASSERT_TRUE(table.Append(Question("kept")).ok());
  FailSourceInserts(db());
  EXPECT_FALSE(table.Append(Answer({Source(1, 1)})).ok());
  ASSERT_TRUE(db().InTransaction());
  ASSERT_TRUE(outer->Commit().ok());
  EXPECT_EQ(Messages(), 1);
  EXPECT_EQ(MessageTable(db()).ListByThread(thread_)->at(0).content, "kept");
}

TEST_F(MessageTableTest, ListByThreadIsOldestFirstWithSources) {
  const int64_t q = AppendOrFail(Question("q"));
  const int64_t a = AppendOrFail(Answer({Source(1, 10)}));
  auto other_thread = ThreadTable(db()).Create(workspace_, "other");
  ASSERT_TRUE(other_thread.ok());
  MessageRow elsewhere = Question("elsewhere");
  elsewhere.thread_id = *other_thread;
  AppendOrFail(elsewhere);
  auto rows = MessageTable(db()).ListByThread(thread_);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, q);
  EXPECT_TRUE((*rows)[0].sources.empty());
  EXPECT_EQ((*rows)[1].id, a);
  ASSERT_EQ((*rows)[1].sources.size(), 1u);
  EXPECT_EQ((*rows)[1].sources[0].chunk_id, 10);
  EXPECT_TRUE(MessageTable(db()).ListByThread(12345)->empty());
}

TEST_F(MessageTableTest, ListByWorkspacePagesThroughEveryMessage) {
  for (int i = 0; i < 5; ++i) AppendOrFail(Answer({Source(1, i)}));
  const int64_t other = MakeWorkspace("other");
  auto other_thread = ThreadTable(db()).Create(other, "x");
  ASSERT_TRUE(other_thread.ok());
  MessageRow elsewhere = Question("elsewhere");
  elsewhere.thread_id = *other_thread;
  AppendOrFail(elsewhere);
  MessageTable table(db());
  std::vector<int64_t> chunk_ids;
  int64_t after = 0;
  int pages = 0;
  while (true) {
    auto page = table.ListByWorkspace(workspace_, after, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    ++pages;
    for (const MessageRow& row : *page) {
      EXPECT_EQ(row.workspace_id, workspace_);
      EXPECT_GT(row.id, after);
      chunk_ids.push_back(row.sources.at(0).chunk_id);
      after = row.id;
    }
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(chunk_ids, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(table.ListByWorkspace(workspace_, 0, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(MessageTableTest, DeleteOlderThanRemovesOldMessagesAndEmptiedOldThreads) {
  ThreadTable threads(db());
  // thread_: one old and one new message; stays.
  MessageRow old = Question("old");
  old.created_at_ms = 1000;
  old.sources = {};
  MessageRow old_answer = Answer({Source(1, 1)});
  old_answer.created_at_ms = 1500;
  AppendOrFail(old);
  AppendOrFail(old_answer);
  AppendOrFail(Question("new"));
  // stale: only old messages and last updated long ago; goes.
  auto stale = threads.Create(workspace_, "stale");
  ASSERT_TRUE(stale.ok());
  MessageRow stale_message = Question("stale");
  stale_message.thread_id = *stale;
  stale_message.created_at_ms = 1200;
  AppendOrFail(stale_message);
  ASSERT_TRUE(db().Execute("UPDATE threads SET updated_at = 1200 WHERE id = " +
                           std::to_string(*stale))
                  .ok());
  // fresh: empty but just created; stays.
  auto fresh = threads.Create(workspace_, "fresh");
  ASSERT_TRUE(fresh.ok());
  // Another workspace's old message; stays.
  const int64_t other = MakeWorkspace("other");
  auto other_thread = threads.Create(other, "x");
  ASSERT_TRUE(other_thread.ok());
  MessageRow elsewhere = Question("elsewhere");
  elsewhere.thread_id = *other_thread;
  elsewhere.created_at_ms = 1000;
  AppendOrFail(elsewhere);

  auto deleted = MessageTable(db()).DeleteOlderThan(workspace_, 2000);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 3);
  EXPECT_EQ(Messages(), 2);
  EXPECT_EQ(Sources(), 0);
  EXPECT_TRUE(threads.Get(thread_).ok());
  EXPECT_EQ(threads.Get(*stale).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(threads.Get(*fresh).ok());
  EXPECT_TRUE(threads.Get(*other_thread).ok());
  EXPECT_EQ(*MessageTable(db()).DeleteOlderThan(workspace_, 2000), 0);
}

TEST_F(MessageTableTest, SourceChunkIdsAreThoseInThePromptOfThatEpoch) {
  AppendOrFail(Answer({Source(1, 30), Source(2, 10)}, 0));
  AppendOrFail(Answer({Source(1, 10, false), Source(2, 20, false), Source(3, 40)}, 0));
  AppendOrFail(Answer({Source(1, 50)}, 1));
  MessageTable table(db());
  EXPECT_EQ(*table.ListSourceChunkIds(thread_, 0), (std::vector<int64_t>{10, 30, 40}));
  EXPECT_EQ(*table.ListSourceChunkIds(thread_, 1), (std::vector<int64_t>{50}));
  EXPECT_TRUE(table.ListSourceChunkIds(thread_, 2)->empty());
  EXPECT_TRUE(table.ListSourceChunkIds(999, 0)->empty());
}

TEST_F(MessageTableTest, DeletingTheThreadOrADocumentKeepsHistoryConsistent) {
  const int64_t document = MakeDocument(workspace_, 'a');
  auto chunks = ChunkTable(db()).InsertBatch(document, {Chunk(0, "tusks are teeth")});
  ASSERT_TRUE(chunks.ok()) << chunks.status();
  const int64_t id = AppendOrFail(Answer({Source(1, chunks->at(0))}));
  ASSERT_TRUE(DocumentTable(db()).Delete(document).ok());
  // The cited chunk and its document are gone; the citation stays.
  auto row = MessageTable(db()).Get(id);
  ASSERT_TRUE(row.ok());
  ASSERT_EQ(row->sources.size(), 1u);
  EXPECT_EQ(row->sources[0].chunk_id, chunks->at(0));
  EXPECT_EQ(row->sources[0].snippet, "tusks are teeth");
  ASSERT_TRUE(ThreadTable(db()).Delete(thread_).ok());
  EXPECT_EQ(Messages(), 0);
  EXPECT_EQ(Sources(), 0);
}

}  // namespace
}  // namespace hearth
