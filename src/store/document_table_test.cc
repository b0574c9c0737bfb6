#include "store/document_table.h"

#include <string>

#include "store/chunk_table.h"
#include "store/index_change_log.h"
#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class DocumentTableTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    workspace_ = MakeWorkspace("notes");
  }
  NewDocument Report(char hex = 'a') {
    return {.workspace_id = workspace_,
            .name = "report.pdf",
            .blob_digest = "sha256-" + std::string(64, hex),
            .bytes = 1234};
  }
  int64_t Count() { return QueryInt("SELECT count(*) FROM documents"); }

  int64_t workspace_ = 0;
};

TEST_F(DocumentTableTest, InsertThenGetIsQueued) {
  DocumentTable table(db());
  auto id = table.Insert(Report());
  ASSERT_TRUE(id.ok()) << id.status();
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->workspace_id, workspace_);
  EXPECT_EQ(row->name, "report.pdf");
  EXPECT_EQ(row->blob_digest, "sha256-" + std::string(64, 'a'));
  EXPECT_EQ(row->bytes, 1234);
  EXPECT_EQ(row->status, DocumentStatus::kQueued);
  EXPECT_FALSE(row->pinned);
  EXPECT_EQ(row->uploaded_by, 0);
}

TEST_F(DocumentTableTest, InsertRecordsTheUploader) {
  DocumentTable table(db());
  NewDocument document = Report();
  document.uploaded_by = 7;
  auto id = table.Insert(document);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(table.Get(*id)->uploaded_by, 7);
  EXPECT_EQ(table.ListByWorkspace(workspace_)->front().uploaded_by, 7);
}

TEST_F(DocumentTableTest, SameDigestInTheWorkspaceIsAlreadyExistsWithTheFirstId) {
  DocumentTable table(db());
  auto first = table.Insert(Report());
  ASSERT_TRUE(first.ok());
  NewDocument again = Report();
  again.name = "copy.pdf";
  again.blob_digest = "sha256:" + std::string(64, 'a');  // the other spelling
  int64_t existing = 0;
  auto second = table.Insert(again, &existing);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(existing, *first);
  EXPECT_NE(second.status().message().find("document " + std::to_string(*first)),
            std::string::npos);
  EXPECT_EQ(Count(), 1);
}

TEST_F(DocumentTableTest, SameDigestInAnotherWorkspaceIsANewDocument) {
  DocumentTable table(db());
  int64_t other = MakeWorkspace("other");
  ASSERT_TRUE(table.Insert(Report()).ok());
  NewDocument elsewhere = Report();
  elsewhere.workspace_id = other;
  EXPECT_TRUE(table.Insert(elsewhere).ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(DocumentTableTest, BadInputsAreRejectedAndNothingIsWritten) {
  DocumentTable table(db());
  NewDocument bad_digest = Report();
  bad_digest.blob_digest = "md5-abc";
  NewDocument upper_digest = Report();
  upper_digest.blob_digest = "sha256-" + std::string(64, 'A');
  NewDocument no_name = Report();
  no_name.name = "";
  NewDocument nul_name = Report();
  nul_name.name = "a\0b.pdf"s;
  NewDocument negative = Report();
  negative.bytes = -1;
  for (const NewDocument& document : {bad_digest, upper_digest, no_name, nul_name, negative}) {
    auto id = table.Insert(document);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << id.status();
  }
  EXPECT_EQ(Count(), 0);
}

TEST_F(DocumentTableTest, UnknownWorkspaceIsNotFound) {
  DocumentTable table(db());
  NewDocument orphan = Report();
  orphan.workspace_id = 999;
  auto id = table.Insert(orphan);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  EXPECT_NE(id.status().message().find("workspace 999"), std::string::npos);
  EXPECT_EQ(Count(), 0);
}

TEST_F(DocumentTableTest, SettersUpdateTheRow) {
  DocumentTable table(db());
  auto id = table.Insert(Report());
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(table.SetConverted(*id, "pdf", "Annual Report", 12).ok());
  ASSERT_TRUE(table.SetStatus(*id, DocumentStatus::kFailed, "bad xref", "page 3: no text").ok());
  ASSERT_TRUE(table.SetPinned(*id, true).ok());
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->format, "pdf");
  EXPECT_EQ(row->title, "Annual Report");
  EXPECT_EQ(row->page_count, 12);
  EXPECT_EQ(row->status, DocumentStatus::kFailed);
  EXPECT_EQ(row->error, "bad xref");
  EXPECT_EQ(row->warnings, "page 3: no text");
  EXPECT_TRUE(row->pinned);
}

TEST_F(DocumentTableTest, BadSetterInputChangesNothing) {
  DocumentTable table(db());
  auto id = table.Insert(Report());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(table.SetStatus(*id, DocumentStatus::kFailed, "a\0b"s).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(table.SetConverted(*id, "pdf", "t", -1).code(), StatusCode::kInvalidArgument);
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->status, DocumentStatus::kQueued);
  EXPECT_EQ(row->page_count, 0);
}

TEST_F(DocumentTableTest, UnknownIdsAreNotFound) {
  DocumentTable table(db());
  EXPECT_EQ(table.Get(42).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.SetStatus(42, DocumentStatus::kReady).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.SetConverted(42, "pdf", "", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.SetPinned(42, true).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.Delete(42).code(), StatusCode::kNotFound);
  EXPECT_EQ(table.FindByDigest(workspace_, "sha256-" + std::string(64, 'b')).status().code(),
            StatusCode::kNotFound);
}

TEST_F(DocumentTableTest, ListByWorkspaceIsOldestFirstAndScoped) {
  DocumentTable table(db());
  int64_t other = MakeWorkspace("other");
  auto first = table.Insert(Report('a'));
  auto second = table.Insert(Report('b'));
  NewDocument elsewhere = Report('c');
  elsewhere.workspace_id = other;
  ASSERT_TRUE(first.ok() && second.ok() && table.Insert(elsewhere).ok());
  auto rows = table.ListByWorkspace(workspace_);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, *first);
  EXPECT_EQ((*rows)[1].id, *second);
}

TEST_F(DocumentTableTest, DeleteCascadesToChunksFtsAndTheIndexLog) {
  DocumentTable table(db());
  int64_t keep = MakeDocument(workspace_, 'a');
  int64_t gone = MakeDocument(workspace_, 'b');
  ChunkTable chunks(db());
  auto kept_ids = chunks.InsertBatch(keep, {Chunk(0, "kept walrus")});
  auto gone_ids = chunks.InsertBatch(gone, {Chunk(0, "doomed walrus"), Chunk(1, "more")});
  ASSERT_TRUE(kept_ids.ok() && gone_ids.ok());
  IndexChangeLog log(db());
  ASSERT_TRUE(log.AppendAdds(workspace_, "embed-a", *gone_ids).ok());

  ASSERT_TRUE(table.Delete(gone).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM chunks"), 1);
  auto hits = chunks.SearchFts(workspace_, "walrus", 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].chunk_id, (*kept_ids)[0]);
  auto changes = log.ChangesSince(workspace_, "embed-a", 0);
  ASSERT_TRUE(changes.ok());
  ASSERT_EQ(changes->size(), 4u);
  EXPECT_EQ((*changes)[2].op, IndexOp::kRemove);
  EXPECT_EQ((*changes)[3].op, IndexOp::kRemove);
  EXPECT_EQ(table.Get(keep)->id, keep);
}

}  // namespace
}  // namespace hearth
