#include "store/workspace_table.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using namespace std::string_literals;

class WorkspaceTableTest : public StoreTest {
 protected:
  WorkspaceSettings Notes() { return {.name = "Notes", .embedder = "nomic-embed-text"}; }
  int64_t Count() { return QueryInt("SELECT count(*) FROM workspaces"); }
};

TEST_F(WorkspaceTableTest, CreateThenGetBySlugAndId) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok()) << id.status();
  auto by_slug = table.GetBySlug("notes");
  ASSERT_TRUE(by_slug.ok()) << by_slug.status();
  EXPECT_EQ(by_slug->id, *id);
  EXPECT_EQ(by_slug->settings.name, "Notes");
  EXPECT_EQ(by_slug->settings.embedder, "nomic-embed-text");
  EXPECT_EQ(by_slug->settings.chunk_tokens, 400);
  EXPECT_EQ(by_slug->settings.chunk_overlap_tokens, 60);
  EXPECT_EQ(by_slug->settings.vector_type, VectorType::kF16);
  EXPECT_GT(by_slug->created_at_ms, 1'600'000'000'000);
  auto by_id = table.Get(*id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->slug, "notes");
}

TEST_F(WorkspaceTableTest, ListIsOrderedBySlug) {
  WorkspaceTable table(db());
  ASSERT_TRUE(table.Create("zeta", Notes()).ok());
  ASSERT_TRUE(table.Create("alpha-2", Notes()).ok());
  auto rows = table.List();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].slug, "alpha-2");
  EXPECT_EQ((*rows)[1].slug, "zeta");
}

TEST_F(WorkspaceTableTest, DuplicateSlugIsAlreadyExistsAndKeepsTheFirst) {
  WorkspaceTable table(db());
  ASSERT_TRUE(table.Create("notes", Notes()).ok());
  WorkspaceSettings other = Notes();
  other.name = "Other";
  auto again = table.Create("notes", other);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("'notes'"), std::string::npos);
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(table.GetBySlug("notes")->settings.name, "Notes");
}

TEST_F(WorkspaceTableTest, BadSlugsAreRejectedAndNothingIsWritten) {
  WorkspaceTable table(db());
  for (const std::string& slug :
       {""s, "Notes"s, "a b"s, "a/b"s, "é"s, std::string(65, 'a'), "ab\0cd"s, "a_b"s}) {
    auto id = table.Create(slug, Notes());
    ASSERT_FALSE(id.ok()) << slug;
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << slug;
    EXPECT_NE(id.status().message().find("a-z, 0-9"), std::string::npos);
  }
  EXPECT_EQ(Count(), 0);
  EXPECT_TRUE(table.Create(std::string(64, 'a'), Notes()).ok());
  EXPECT_TRUE(table.Create("0-9", Notes()).ok());
}

TEST_F(WorkspaceTableTest, BadSettingsAreRejectedAndNothingIsWritten) {
  WorkspaceTable table(db());
  WorkspaceSettings no_name = Notes();
  no_name.name = "";
  WorkspaceSettings nul_name = Notes();
  nul_name.name = "a\0b"s;
  WorkspaceSettings overlap = Notes();
  overlap.chunk_overlap_tokens = overlap.chunk_tokens;
  WorkspaceSettings zero_tokens = Notes();
  zero_tokens.chunk_tokens = 0;
  WorkspaceSettings bad_utf8 = Notes();
  bad_utf8.embedder = "\xff";
  for (const WorkspaceSettings& settings : {no_name, nul_name, overlap, zero_tokens, bad_utf8}) {
    auto id = table.Create("notes", settings);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument) << id.status();
  }
  EXPECT_EQ(Count(), 0);
}

TEST_F(WorkspaceTableTest, UpdateReplacesSettings) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok());
  WorkspaceSettings changed{.name = "Renamed", .embedder = "bge-m3", .chunk_tokens = 256,
                            .chunk_overlap_tokens = 0, .vector_type = VectorType::kI8};
  ASSERT_TRUE(table.Update(*id, changed).ok());
  auto row = table.Get(*id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->settings.name, "Renamed");
  EXPECT_EQ(row->settings.embedder, "bge-m3");
  EXPECT_EQ(row->settings.chunk_tokens, 256);
  EXPECT_EQ(row->settings.chunk_overlap_tokens, 0);
  EXPECT_EQ(row->settings.vector_type, VectorType::kI8);
}

TEST_F(WorkspaceTableTest, BadUpdateChangesNothing) {
  WorkspaceTable table(db());
  auto id = table.Create("notes", Notes());
  ASSERT_TRUE(id.ok());
  WorkspaceSettings bad = Notes();
  bad.chunk_overlap_tokens = -1;
  EXPECT_EQ(table.Update(*id, bad).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(table.Get(*id)->settings.chunk_overlap_tokens, 60);
}

TEST_F(WorkspaceTableTest, UnknownIdsAreNotFound) {
  WorkspaceTable table(db());
  ASSERT_TRUE(table.Create("notes", Notes()).ok());
  EXPECT_EQ(table.Get(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.GetBySlug("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(table.Update(999, Notes()).code(), StatusCode::kNotFound);
  Status deleted = table.Delete(999);
  EXPECT_EQ(deleted.code(), StatusCode::kNotFound);
  EXPECT_NE(deleted.message().find("workspace 999"), std::string::npos);
  EXPECT_EQ(Count(), 1);
}

TEST_F(WorkspaceTableTest, DeleteRemovesTheWorkspaceAndItsDocuments) {
  WorkspaceTable table(db());
  auto keep = table.Create("keep", Notes());
  auto gone = table.Create("gone", Notes());
  ASSERT_TRUE(keep.ok() && gone.ok());
  ASSERT_TRUE(db().Execute("INSERT INTO documents (workspace_id, name, blob_digest, bytes, "
                           "created_at, updated_at) VALUES (" +
                           std::to_string(*gone) + ", 'a', 'sha256-x', 1, 0, 0)")
                  .ok());
  ASSERT_TRUE(table.Delete(*gone).ok());
  EXPECT_EQ(table.Get(*gone).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM documents"), 0);
  EXPECT_TRUE(table.Get(*keep).ok());
}

TEST_F(WorkspaceTableTest, IdsAreNotReusedAfterDelete) {
  WorkspaceTable table(db());
  auto first = table.Create("a", Notes());
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(table.Delete(*first).ok());
  auto second = table.Create("a", Notes());
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
}

}  // namespace
}  // namespace hearth
