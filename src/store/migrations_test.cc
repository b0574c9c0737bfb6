#include "store/migrations.h"

#include <string>

#include "store/store_test_database.h"

namespace hearth {
namespace {

using MigrationsTest = StoreTest;

constexpr const char* kIngestionTables[] = {"workspaces", "documents",  "chunks",
                                            "chunks_fts", "embeddings", "jobs",
                                            "index_changes"};
constexpr const char* kChatTables[] = {"threads", "messages", "message_sources"};
constexpr const char* kAccountTables[] = {"users", "sessions", "api_keys", "workspace_members",
                                          "audit_events"};

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
  for (const char* table : kChatTables) {
    EXPECT_EQ(QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                       table + "'"),
              1)
        << table;
  }
  for (const char* table : kAccountTables) {
    EXPECT_EQ(QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                       table + "'"),
              1)
        << table;
  }
}

// Turns the fresh database back into a version 2 one (settings and
// model_events only), as an older hearth left it.
void DowngradeToVersion2(Database& db) {
  ASSERT_TRUE(db.Execute("DROP TABLE audit_events; DROP TABLE workspace_members;"
                         "DROP TABLE api_keys; DROP TABLE sessions; DROP TABLE users;"
                         "DROP TABLE message_sources; DROP TABLE messages; DROP TABLE threads;"
                         "DROP TABLE chunks_fts; DROP TABLE index_changes; DROP TABLE jobs;"
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

// Turns the fresh database into a version 4 one, as an older hearth left it.
void DowngradeToVersion4(Database& db) {
  DowngradeToVersion3(db);
  const internal::Migration& fourth = internal::AllMigrations()[3];
  ASSERT_EQ(fourth.version, 4);
  ASSERT_TRUE(db.Execute(std::string(fourth.sql) + "PRAGMA user_version = 4;").ok());
}

// The text column `column` of the only workspace.
std::string WorkspaceText(Database& db, const std::string& column) {
  auto stmt = db.Prepare("SELECT " + column + " FROM workspaces");
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  if (!stmt.ok()) return "<error>";
  auto has_row = stmt->Step();
  EXPECT_TRUE(has_row.ok() && *has_row);
  return stmt->ColumnText(0);
}

TEST_F(MigrationsTest, VersionFourWorkspacesGetTheDefaultChatSettings) {
  DowngradeToVersion4(db());
  ASSERT_TRUE(
      db().Execute("INSERT INTO workspaces (slug, name, embedder, chunk_tokens, created_at, "
                   "updated_at) VALUES ('w', 'W', 'embed-a', 300, 0, 0);"
                   "INSERT INTO documents (workspace_id, name, blob_digest, bytes, status, "
                   "created_at, updated_at) VALUES (1, 'a.pdf', 'sha256-aa', 3, 'ready', 0, 0);"
                   "INSERT INTO chunks (document_id, ordinal, text, token_count, content_hash) "
                   "VALUES (1, 0, 'walrus tusks', 4, 'h');")
          .ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'threads'"), 0);
  db_.reset();
  auto reopened = Database::Open({.path = path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  db_ = std::move(*reopened);
  EXPECT_EQ(QueryInt("PRAGMA user_version"), Latest());
  // Old rows are kept and read back through the typed table with the same
  // defaults a new workspace gets.
  auto row = WorkspaceTable(db()).GetBySlug("w");
  ASSERT_TRUE(row.ok()) << row.status();
  const WorkspaceSettings defaults;
  EXPECT_EQ(row->settings.embedder, "embed-a");
  EXPECT_EQ(row->settings.chunk_tokens, 300);
  EXPECT_EQ(row->settings.chat_model, defaults.chat_model);
  EXPECT_EQ(row->settings.reranker, defaults.reranker);
  EXPECT_EQ(row->settings.mode, ChatMode::kChat);
  EXPECT_EQ(row->settings.top_k, 6);
  EXPECT_EQ(row->settings.similarity_threshold, 0.0);
  EXPECT_EQ(row->settings.context_budget_tokens, 3000);
  EXPECT_DOUBLE_EQ(row->settings.temperature, 0.7);
  EXPECT_EQ(row->settings.system_prompt, kDefaultSystemPrompt);
  EXPECT_EQ(row->settings.history_messages, 20);
  EXPECT_EQ(row->settings.history_tokens, 2000);
  EXPECT_EQ(row->settings.refusal_text, kDefaultRefusalText);
  EXPECT_EQ(row->settings.retention_days, 0);
  EXPECT_EQ(WorkspaceText(db(), "mode"), "chat");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH 'tusk'"), 1);
  // The new tables work against the old workspace.
  ASSERT_TRUE(db().Execute("INSERT INTO threads (workspace_id, created_at, updated_at) "
                           "VALUES (1, 0, 0);"
                           "INSERT INTO messages (thread_id, workspace_id, role, content, "
                           "created_at) VALUES (1, 1, 'user', 'hi', 0);"
                           "INSERT INTO message_sources (message_id, number, chunk_id) "
                           "VALUES (1, 1, 1);")
                  .ok());
  EXPECT_TRUE(db().IntegrityProblems()->empty());
}

TEST_F(MigrationsTest, ChatSettingChecksRejectBadRowsAndWriteNothing) {
  ASSERT_TRUE(db().Execute("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                           "VALUES ('ok', 'OK', 0, 0)")
                  .ok());
  for (const char* bad : {"mode = 'chatty'", "top_k = 0", "top_k = 101",
                          "similarity_threshold = 1.5", "similarity_threshold = -0.1",
                          "context_budget_tokens = 99", "temperature = 2.5",
                          "history_messages = 1001", "history_tokens = -1",
                          "retention_days = 36501"}) {
    EXPECT_FALSE(db().Execute(std::string("UPDATE workspaces SET ") + bad).ok()) << bad;
  }
  EXPECT_EQ(WorkspaceText(db(), "mode"), "chat");
  EXPECT_EQ(QueryInt("SELECT top_k FROM workspaces"), 6);
  EXPECT_EQ(QueryInt("SELECT retention_days FROM workspaces"), 0);
}

TEST_F(MigrationsTest, ChatTablesEnforceTheirChecksAndCascades) {
  ASSERT_TRUE(db().Execute("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                           "VALUES ('w', 'W', 0, 0);"
                           "INSERT INTO threads (workspace_id, created_at, updated_at) "
                           "VALUES (1, 0, 0);"
                           "INSERT INTO messages (thread_id, workspace_id, role, content, "
                           "created_at) VALUES (1, 1, 'user', 'hi', 0);")
                  .ok());
  EXPECT_FALSE(db().Execute("INSERT INTO messages (thread_id, workspace_id, role, content, "
                            "created_at) VALUES (1, 1, 'system', 'x', 0)")
                   .ok());
  EXPECT_FALSE(db().Execute("INSERT INTO threads (workspace_id, created_at, updated_at) "
                            "VALUES (99, 0, 0)")
                   .ok());
  EXPECT_FALSE(db().Execute("INSERT INTO message_sources (message_id, number, chunk_id) "
                            "VALUES (1, 0, 5)")
                   .ok());
  EXPECT_FALSE(db().Execute("INSERT INTO message_sources (message_id, number, chunk_id, "
                            "in_prompt) VALUES (1, 1, 5, 2)")
                   .ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM threads"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM message_sources"), 0);
  // chunk_id is no foreign key: a source may name a chunk that is gone.
  ASSERT_TRUE(db().Execute("INSERT INTO message_sources (message_id, number, chunk_id) "
                           "VALUES (1, 1, 12345)")
                  .ok());
  ASSERT_TRUE(db().Execute("DELETE FROM workspaces").ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM threads"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM messages"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM message_sources"), 0);
}

// Turns the fresh database into a version 5 one, as an older hearth left it.
void DowngradeToVersion5(Database& db) {
  DowngradeToVersion4(db);
  const internal::Migration& fifth = internal::AllMigrations()[4];
  ASSERT_EQ(fifth.version, 5);
  ASSERT_TRUE(db.Execute(std::string(fifth.sql) + "PRAGMA user_version = 5;").ok());
}

TEST_F(MigrationsTest, VersionFiveRowsBelongToTheLocalOwnerWhenMigrated) {
  DowngradeToVersion5(db());
  ASSERT_TRUE(
      db().Execute("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                   "VALUES ('w', 'W', 0, 0);"
                   "INSERT INTO documents (workspace_id, name, blob_digest, bytes, status, "
                   "created_at, updated_at) VALUES (1, 'a.pdf', 'sha256-aa', 3, 'ready', 0, 0);"
                   "INSERT INTO threads (workspace_id, title, created_at, updated_at) "
                   "VALUES (1, 'old thread', 0, 0);")
          .ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'users'"), 0);
  db_.reset();
  auto reopened = Database::Open({.path = path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  db_ = std::move(*reopened);
  EXPECT_EQ(QueryInt("PRAGMA user_version"), Latest());
  EXPECT_EQ(QueryInt("SELECT user_id FROM threads"), 0);
  EXPECT_EQ(QueryInt("SELECT uploaded_by FROM documents"), 0);
  auto row = WorkspaceTable(db()).GetBySlug("w");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_FALSE(row->settings.members_can_upload);
  for (const char* table : kAccountTables) {
    EXPECT_EQ(QueryInt(std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_TRUE(db().IntegrityProblems()->empty());
}

TEST_F(MigrationsTest, AccountTablesEnforceTheirChecksAndCascades) {
  ASSERT_TRUE(db().Execute("INSERT INTO workspaces (slug, name, created_at, updated_at) "
                           "VALUES ('w', 'W', 0, 0);"
                           "INSERT INTO users (name, password_hash, role, created_at, updated_at) "
                           "VALUES ('Ann', 'h', 'admin', 0, 0);"
                           "INSERT INTO sessions (user_id, token_hash, csrf_hash, created_at, "
                           "last_seen_at, expires_at) VALUES (1, 't', 'c', 0, 0, 1);"
                           "INSERT INTO api_keys (user_id, name, token_hash, preview, actions, "
                           "created_at) VALUES (1, 'k', 'kh', 'p', 'read', 0);"
                           "INSERT INTO workspace_members VALUES (1, 1);"
                           "INSERT INTO audit_events (at, actor_user_id, actor_name, action) "
                           "VALUES (0, 1, 'Ann', 'login');")
                  .ok());
  for (const char* bad :
       {"INSERT INTO users (name, password_hash, role, created_at, updated_at) "
        "VALUES ('ANN', 'h', 'admin', 0, 0)",
        "INSERT INTO users (name, password_hash, role, created_at, updated_at) "
        "VALUES ('bob', 'h', 'root', 0, 0)",
        "UPDATE users SET suspended = 2",
        "UPDATE workspaces SET members_can_upload = 2",
        "INSERT INTO sessions (user_id, token_hash, csrf_hash, created_at, last_seen_at, "
        "expires_at) VALUES (1, 't', 'c', 0, 0, 1)",
        "INSERT INTO sessions (user_id, token_hash, csrf_hash, created_at, last_seen_at, "
        "expires_at) VALUES (9, 't2', 'c', 0, 0, 1)",
        "INSERT INTO api_keys (user_id, name, token_hash, preview, actions, created_at) "
        "VALUES (1, 'k', 'kh', 'p', 'read', 0)",
        "INSERT INTO workspace_members VALUES (2, 1)",
        "INSERT INTO workspace_members VALUES (1, 1)"}) {
    EXPECT_FALSE(db().Execute(bad).ok()) << bad;
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM users"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions"), 1);
  ASSERT_TRUE(db().Execute("DELETE FROM workspaces").ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM workspace_members"), 0);
  ASSERT_TRUE(db().Execute("DELETE FROM users").ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_keys"), 0);
  // The audit log outlives the users it names.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM audit_events"), 1);
}

// A version 6 database's chunks were never logged for the lexical indexes:
// migration 7 logs an 'add' for each, and the trigger logs new ones.
TEST_F(MigrationsTest, VersionSixChunksAreLoggedForTheLexicalIndexWhenMigrated) {
  const int64_t workspace = MakeWorkspace("notes");
  const int64_t document = MakeDocument(workspace, 'a');
  ASSERT_TRUE(db().Execute("DROP TRIGGER chunks_lexical_after_insert; PRAGMA user_version = 6;").ok());
  ASSERT_TRUE(ChunkTable(db()).InsertBatch(document, {Chunk(0, "a"), Chunk(1, "b")}).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM index_changes"), 0);
  db_.reset();
  auto reopened = Database::Open({.path = path()});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  db_ = std::move(*reopened);
  EXPECT_EQ(QueryInt("PRAGMA user_version"), Latest());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM index_changes WHERE embedder = 'lexical' AND "
                     "op = 'add' AND workspace_id = " + std::to_string(workspace)),
            2);
  ASSERT_TRUE(ChunkTable(db()).InsertBatch(document, {Chunk(2, "c")}).ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM index_changes WHERE embedder = 'lexical'"), 3);
}

TEST_F(MigrationsTest, SchemaEnforcesItsChecks) {
  Status bad_vector_type = db().Execute(
      "INSERT INTO workspaces (slug, name, vector_type, created_at, updated_at) "
      "VALUES ('a', 'A', 'f32', 0, 0)");
  EXPECT_FALSE(bad_vector_type.ok());
  Status bad_mode = db().Execute(
      "INSERT INTO workspaces (slug, name, mode, created_at, updated_at) "
      "VALUES ('a', 'A', 'rag', 0, 0)");
  EXPECT_FALSE(bad_mode.ok());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM workspaces"), 0);
}

}  // namespace
}  // namespace hearth
