#include "store/migrations.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using MigrationsTest = StoreTest;

constexpr const char* kIngestionTables[] = {"workspaces", "documents",  "chunks",
                                            "chunks_fts", "embeddings", "jobs",
                                            "index_changes"};

int64_t Latest() { return internal::AllMigrations().back().version; }

TEST_F(MigrationsTest, VersionsHaveNoGaps) {
  int expected = 1;
  for (const internal::Migration& migration : internal::AllMigrations()) {
    EXPECT_EQ(migration.version, expected++) << migration.name;
  }
}

TEST_F(MigrationsTest, EmptyDatabaseGetsTheIngestionTables) {
  EXPECT_EQ(QueryInt("PRAGMA user_version"), Latest());
  for (const char* table : kIngestionTables) {
    EXPECT_EQ(QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                       table + "'"),
              1)
        << table;
  }
}

// Turns the fresh database back into a version 2 one (settings and
// model_events only), as an older hearth left it.
void DowngradeToVersion2(Database& db) {
  ASSERT_TRUE(db.Execute("DROP TABLE chunks_fts; DROP TABLE index_changes; DROP TABLE jobs;"
                         "DROP TABLE embeddings; DROP TABLE chunks; DROP TABLE documents;"
                         "DROP TABLE workspaces; DELETE FROM sqlite_sequence;"
                         "PRAGMA user_version = 2;")
                  .ok());
}

TEST_F(MigrationsTest, VersionTwoDatabaseKeepsItsRowsWhenMigrated) {
  DowngradeToVersion2(db());
  ASSERT_TRUE(db().Execute("INSERT INTO settings VALUES ('theme', 'dark', 5);"
                           "INSERT INTO model_events (at, model, kind, reason, duration_ms, "
                           "bytes) VALUES (7, 'm:latest', 'load', 'asked', 3, 100);")
                  .ok());
  db_.reset();
  auto reopened = Database::Open({.path = path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  db_ = std::move(*reopened);
  EXPECT_EQ(QueryInt("PRAGMA user_version"), Latest());
  EXPECT_EQ(QueryInt("SELECT updated_at FROM settings WHERE key = 'theme'"), 5);
  EXPECT_EQ(QueryInt("SELECT bytes FROM model_events WHERE model = 'm:latest'"), 100);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'chunks_fts'"), 1);
}

// Turns the fresh database into a version 3 one, as an older hearth left it.
void DowngradeToVersion3(Database& db) {
  DowngradeToVersion2(db);
  const internal::Migration& third = internal::AllMigrations()[2];
  ASSERT_EQ(third.version, 3);
  ASSERT_TRUE(db.Execute(std::string(third.sql) + "PRAGMA user_version = 3;").ok());
}

TEST_F(MigrationsTest, VersionThreeChunksGetAPrefixTheFullTextIndexSearches) {
  DowngradeToVersion3(db());
  ASSERT_TRUE(
      db().Execute("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                   "VALUES ('w', 'W', 0, 0);"
                   "INSERT INTO documents (workspace_id, name, blob_digest, bytes, title, status, "
                   "created_at, updated_at) VALUES (1, 'a.pdf', 'sha256-aa', 3, 'Walrus Atlas', "
                   "'ready', 0, 0);"
                   "INSERT INTO chunks (document_id, ordinal, text, heading_path, token_count, "
                   "content_hash) VALUES (1, 0, 'tusks and whiskers', 'Anatomy > Teeth', 4, 'h');"
                   "INSERT INTO jobs (kind, workspace_id, created_at, updated_at) "
                   "VALUES ('ingest', 1, 0, 0);")
          .ok());
  db_.reset();
  auto reopened = Database::Open({.path = path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  db_ = std::move(*reopened);
  EXPECT_EQ(QueryInt("PRAGMA user_version"), Latest());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM chunks WHERE embed_prefix = "
                     "'Walrus Atlas › Anatomy › Teeth' || char(10, 10)"),
            1);
  // The title is searchable now, and words are stemmed.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'atlas'"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'tusk'"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM jobs WHERE target_embedder = ''"), 1);
  EXPECT_TRUE(db().Execute("INSERT INTO chunks_fts (chunks_fts, rank) "
                           "VALUES ('integrity-check', 1)")
                  .ok());
}

TEST_F(MigrationsTest, SchemaEnforcesItsChecks) {
  Status bad_vector_type = db().Execute(
      "INSERT INTO workspaces (slug, name, vector_type, created_at, updated_at) "
      "VALUES ('a', 'A', 'f32', 0, 0)");
  EXPECT_FALSE(bad_vector_type.ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM workspaces"), 0);
}

}  // namespace
}  // namespace hearth
