// Test support for store/ tests: a fresh database in a temporary directory,
// and a one-integer query helper. Test-only; not part of hearth_store.
#ifndef HEARTH_STORE_STORE_TEST_DATABASE_H_
#define HEARTH_STORE_STORE_TEST_DATABASE_H_

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "store/chunk_table.h"
#include "store/database.h"
#include "store/document_table.h"
#include "store/workspace_table.h"

namespace hearth {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hearth-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto db = Database::Open({.path = path()});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path path() const { return dir_ / "hearth.db"; }
  Database& db() { return *db_; }

  // The single integer `sql` returns; -999 (and a test failure) on error.
  int64_t QueryInt(const std::string& sql) {
    auto stmt = db_->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    if (!stmt.ok()) return -999;
    auto has_row = stmt->Step();
    EXPECT_TRUE(has_row.ok() && *has_row) << sql;
    if (!has_row.ok() || !*has_row) return -999;
    return stmt->ColumnInt(0);
  }

  // A workspace with embedder "embed-a"; fails the test on error.
  int64_t MakeWorkspace(const std::string& slug) {
    auto id = WorkspaceTable(*db_).Create(slug, {.name = slug, .embedder = "embed-a"});
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : -1;
  }

  // A document whose digest is 64 copies of `hex_digit`, in `status`.
  int64_t MakeDocument(int64_t workspace_id, char hex_digit,
                       DocumentStatus status = DocumentStatus::kReady) {
    DocumentTable documents(*db_);
    auto id = documents.Insert({.workspace_id = workspace_id,
                                .name = std::string("doc-") + hex_digit,
                                .blob_digest = "sha256-" + std::string(64, hex_digit),
                                .bytes = 10});
    EXPECT_TRUE(id.ok()) << id.status();
    if (!id.ok()) return -1;
    Status set = documents.SetStatus(*id, status);
    EXPECT_TRUE(set.ok()) << set;
    return *id;
  }

  static ChunkRow Chunk(int64_t ordinal, std::string text, std::string heading = "") {
    return {.ordinal = ordinal,
            .text = text,
            .heading_path = std::move(heading),
            .page_first = 1,
            .page_last = 1,
            .token_count = 5,
            .content_hash = "hash-" + text};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_STORE_TEST_DATABASE_H_
