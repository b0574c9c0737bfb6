#include "store/migrations.h"

namespace hearth::internal {
namespace {

constexpr Migration kMigrations[] = {
    {1, "settings",
     R"sql(
       CREATE TABLE settings (
         key        TEXT PRIMARY KEY,
         value      TEXT NOT NULL,
         updated_at INTEGER NOT NULL  -- unix milliseconds
       ) STRICT;
     )sql"},
    {2, "model_events",
     R"sql(
       CREATE TABLE model_events (
         id          INTEGER PRIMARY KEY,
         at          INTEGER NOT NULL,  -- unix milliseconds
         model       TEXT NOT NULL,     -- display name, e.g. "llama3.2:latest"
         kind        TEXT NOT NULL,     -- load | unload | load_failed | crash
         reason      TEXT NOT NULL,     -- why, in words a user reads
         duration_ms INTEGER NOT NULL,  -- how long the load or unload took
         bytes       INTEGER NOT NULL   -- the model's footprint (estimated or measured)
       ) STRICT;
       CREATE INDEX model_events_by_time ON model_events (at);
     )sql"},
    {3, "workspaces_documents_chunks",
     R"sql(
       -- AUTOINCREMENT: vector index files are named by workspace id.
       CREATE TABLE workspaces (
         id                   INTEGER PRIMARY KEY AUTOINCREMENT,
         slug                 TEXT NOT NULL UNIQUE,  -- [a-z0-9-]{1,64}, used in URLs
         name                 TEXT NOT NULL,
         embedder             TEXT NOT NULL DEFAULT '',  -- model name; '' until chosen
         chunk_tokens         INTEGER NOT NULL DEFAULT 400 CHECK (chunk_tokens > 0),
         chunk_overlap_tokens INTEGER NOT NULL DEFAULT 60
                              CHECK (chunk_overlap_tokens >= 0
                                     AND chunk_overlap_tokens < chunk_tokens),
         vector_type          TEXT NOT NULL DEFAULT 'f16' CHECK (vector_type IN ('f16', 'i8')),
         created_at           INTEGER NOT NULL,  -- unix milliseconds
         updated_at           INTEGER NOT NULL   -- unix milliseconds
       ) STRICT;

       CREATE TABLE documents (
         id           INTEGER PRIMARY KEY,
         workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
         name         TEXT NOT NULL,     -- the uploaded file name
         blob_digest  TEXT NOT NULL,     -- "sha256-<hex>", the original in the blob store
         bytes        INTEGER NOT NULL,  -- size of the original
         format       TEXT NOT NULL DEFAULT '',  -- set once converted: pdf, docx, ...
         title        TEXT NOT NULL DEFAULT '',
         page_count   INTEGER NOT NULL DEFAULT 0,
         status       TEXT NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'converting', 'embedding', 'ready', 'failed')),
         error        TEXT NOT NULL DEFAULT '',
         warnings     TEXT NOT NULL DEFAULT '',
         pinned       INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
         created_at   INTEGER NOT NULL,
         updated_at   INTEGER NOT NULL,
         UNIQUE (workspace_id, blob_digest)
       ) STRICT;

       -- AUTOINCREMENT: a chunk id is a key in the vector index, so an id is
       -- never handed out twice, even after the newest chunk is deleted.
       CREATE TABLE chunks (
         id           INTEGER PRIMARY KEY AUTOINCREMENT,
         document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
         ordinal      INTEGER NOT NULL,  -- 0, 1, 2, ... within the document
         text         TEXT NOT NULL,
         heading_path TEXT NOT NULL DEFAULT '',
         page_first   INTEGER NOT NULL DEFAULT 0,
         page_last    INTEGER NOT NULL DEFAULT 0,
         token_count  INTEGER NOT NULL,
         content_hash TEXT NOT NULL,     -- key into the embedding cache
         UNIQUE (document_id, ordinal)
       ) STRICT;
       CREATE INDEX chunks_by_content_hash ON chunks (content_hash);

       CREATE VIRTUAL TABLE chunks_fts USING fts5 (
         text, heading_path,
         content = 'chunks', content_rowid = 'id',
         tokenize = 'unicode61 remove_diacritics 2');
       CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
         INSERT INTO chunks_fts (rowid, text, heading_path)
           VALUES (new.id, new.text, new.heading_path);
       END;
       CREATE TRIGGER chunks_fts_after_delete AFTER DELETE ON chunks BEGIN
         INSERT INTO chunks_fts (chunks_fts, rowid, text, heading_path)
           VALUES ('delete', old.id, old.text, old.heading_path);
       END;
       CREATE TRIGGER chunks_fts_after_update AFTER UPDATE ON chunks BEGIN
         INSERT INTO chunks_fts (chunks_fts, rowid, text, heading_path)
           VALUES ('delete', old.id, old.text, old.heading_path);
         INSERT INTO chunks_fts (rowid, text, heading_path)
           VALUES (new.id, new.text, new.heading_path);
       END;

       CREATE TABLE embeddings (
         embedder     TEXT NOT NULL,
         content_hash TEXT NOT NULL,
         dimensions   INTEGER NOT NULL CHECK (dimensions > 0),
         vector       BLOB NOT NULL CHECK (length(vector) = 4 * dimensions),  -- float32 LE
         PRIMARY KEY (embedder, content_hash)
       ) STRICT, WITHOUT ROWID;

       CREATE TABLE jobs (
         id           INTEGER PRIMARY KEY,
         kind         TEXT NOT NULL CHECK (kind IN ('ingest', 'reembed')),
         workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
         document_id  INTEGER REFERENCES documents (id) ON DELETE CASCADE,
         state        TEXT NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
         pages_done   INTEGER NOT NULL DEFAULT 0,
         chunks_total INTEGER NOT NULL DEFAULT 0,
         chunks_done  INTEGER NOT NULL DEFAULT 0,
         error        TEXT NOT NULL DEFAULT '',
         created_at   INTEGER NOT NULL,
         started_at   INTEGER,
         finished_at  INTEGER,
         updated_at   INTEGER NOT NULL
       ) STRICT;
       CREATE INDEX jobs_by_workspace ON jobs (workspace_id);
       CREATE INDEX jobs_by_document ON jobs (document_id);
       CREATE INDEX jobs_by_state ON jobs (state);

       -- The change log a vector index replays: its header records the last
       -- seq it applied for (workspace, embedder). Not a foreign key to
       -- workspaces: rows are appended while a workspace's chunks cascade away.
       CREATE TABLE index_changes (
         seq          INTEGER PRIMARY KEY AUTOINCREMENT,
         workspace_id INTEGER NOT NULL,
         embedder     TEXT NOT NULL,
         chunk_id     INTEGER NOT NULL,
         op           TEXT NOT NULL CHECK (op IN ('add', 'remove'))
       ) STRICT;
       CREATE INDEX index_changes_by_stream ON index_changes (workspace_id, embedder, seq);
       CREATE INDEX index_changes_by_chunk ON index_changes (chunk_id);
       -- A deleted chunk leaves every index it was added to.
       CREATE TRIGGER chunks_index_after_delete AFTER DELETE ON chunks BEGIN
         INSERT INTO index_changes (workspace_id, embedder, chunk_id, op)
           SELECT DISTINCT workspace_id, embedder, old.id, 'remove'
             FROM index_changes WHERE chunk_id = old.id AND op = 'add';
       END;
     )sql"},
    {4, "embed_prefix_and_reembed",
     R"sql(
       -- The heading prefix a chunk was embedded with (embed text = prefix +
       -- text), so another embedder can re-embed the same text. Rows from
       -- version 3 get the prefix the chunker would have made, uncut.
       ALTER TABLE chunks ADD COLUMN embed_prefix TEXT NOT NULL DEFAULT '';
       UPDATE chunks SET embed_prefix =
         (SELECT CASE WHEN documents.title != '' THEN documents.title ELSE documents.name END
            FROM documents WHERE documents.id = chunks.document_id)
         || CASE WHEN heading_path != '' THEN ' › ' || replace(heading_path, ' > ', ' › ')
                 ELSE '' END
         || char(10, 10);

       -- The embedder a reembed job moves its workspace to.
       ALTER TABLE jobs ADD COLUMN target_embedder TEXT NOT NULL DEFAULT '';

       -- The full-text index searches the prefix too (the title and section
       -- of a passage are often the words a question uses), and stems English
       -- words (Porter), as the standard BM25 baselines do.
       DROP TRIGGER chunks_fts_after_insert;
       DROP TRIGGER chunks_fts_after_delete;
       DROP TRIGGER chunks_fts_after_update;
       DROP TABLE chunks_fts;
       CREATE VIRTUAL TABLE chunks_fts USING fts5 (
         text, embed_prefix,
         content = 'chunks', content_rowid = 'id',
         tokenize = 'porter unicode61 remove_diacritics 2');
       CREATE TRIGGER chunks_fts_after_insert AFTER INSERT ON chunks BEGIN
         INSERT INTO chunks_fts (rowid, text, embed_prefix)
           VALUES (new.id, new.text, new.embed_prefix);
       END;
       CREATE TRIGGER chunks_fts_after_delete AFTER DELETE ON chunks BEGIN
         INSERT INTO chunks_fts (chunks_fts, rowid, text, embed_prefix)
           VALUES ('delete', old.id, old.text, old.embed_prefix);
       END;
       CREATE TRIGGER chunks_fts_after_update AFTER UPDATE ON chunks BEGIN
         INSERT INTO chunks_fts (chunks_fts, rowid, text, embed_prefix)
           VALUES ('delete', old.id, old.text, old.embed_prefix);
         INSERT INTO chunks_fts (rowid, text, embed_prefix)
           VALUES (new.id, new.text, new.embed_prefix);
       END;
       INSERT INTO chunks_fts (chunks_fts) VALUES ('rebuild');
     )sql"},
    {5, "workspace_chat",
     R"sql(
       -- A workspace's chat settings (see WorkspaceSettings for what each
       -- means). The defaults here must match WorkspaceSettings' defaults.
       ALTER TABLE workspaces ADD COLUMN chat_model TEXT NOT NULL DEFAULT '';
       ALTER TABLE workspaces ADD COLUMN reranker TEXT NOT NULL DEFAULT '';
       ALTER TABLE workspaces ADD COLUMN mode TEXT NOT NULL DEFAULT 'chat'
         CHECK (mode IN ('chat', 'query'));
       ALTER TABLE workspaces ADD COLUMN top_k INTEGER NOT NULL DEFAULT 6
         CHECK (top_k BETWEEN 1 AND 100);
       ALTER TABLE workspaces ADD COLUMN similarity_threshold REAL NOT NULL DEFAULT 0.0
         CHECK (similarity_threshold BETWEEN 0.0 AND 1.0);
       ALTER TABLE workspaces ADD COLUMN context_budget_tokens INTEGER NOT NULL DEFAULT 3000
         CHECK (context_budget_tokens BETWEEN 100 AND 131072);
       ALTER TABLE workspaces ADD COLUMN temperature REAL NOT NULL DEFAULT 0.7
         CHECK (temperature BETWEEN 0.0 AND 2.0);
       ALTER TABLE workspaces ADD COLUMN system_prompt TEXT NOT NULL DEFAULT
         'You are a helpful assistant. Answer the question using the context passages given with it, and cite each passage you use as [n], where n is its number. If the context does not contain the answer, say so plainly instead of guessing.';
       ALTER TABLE workspaces ADD COLUMN history_messages INTEGER NOT NULL DEFAULT 20
         CHECK (history_messages BETWEEN 0 AND 1000);
       ALTER TABLE workspaces ADD COLUMN history_tokens INTEGER NOT NULL DEFAULT 2000
         CHECK (history_tokens BETWEEN 0 AND 131072);
       ALTER TABLE workspaces ADD COLUMN refusal_text TEXT NOT NULL DEFAULT
         'There is no relevant information in this workspace to answer your query.';
       ALTER TABLE workspaces ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0
         CHECK (retention_days BETWEEN 0 AND 36500);  -- 0 keeps messages forever

       -- AUTOINCREMENT: a deleted thread's id is never handed out again, so
       -- a client holding it cannot land in someone else's thread.
       CREATE TABLE threads (
         id            INTEGER PRIMARY KEY AUTOINCREMENT,
         workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
         title         TEXT NOT NULL DEFAULT '',
         created_at    INTEGER NOT NULL,  -- unix milliseconds
         updated_at    INTEGER NOT NULL,  -- unix milliseconds
         -- Bumped when the thread's prompt is rebuilt from scratch; messages
         -- record the epoch whose prompt they were answered in.
         context_epoch INTEGER NOT NULL DEFAULT 0
       ) STRICT;
       CREATE INDEX threads_by_workspace ON threads (workspace_id, updated_at);

       CREATE TABLE messages (
         id                   INTEGER PRIMARY KEY AUTOINCREMENT,
         thread_id            INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
         workspace_id         INTEGER NOT NULL,  -- the thread's, copied for retention
         role                 TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
         content              TEXT NOT NULL,
         -- A question as the model saw it (passages, then the question), so
         -- later turns can replay the thread's prompt exactly.
         prompt_content       TEXT NOT NULL DEFAULT '',
         created_at           INTEGER NOT NULL,  -- unix milliseconds
         context_epoch        INTEGER NOT NULL DEFAULT 0,
         model                TEXT NOT NULL DEFAULT '',
         prompt_tokens        INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
         cached_prompt_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cached_prompt_tokens >= 0),
         generated_tokens     INTEGER NOT NULL DEFAULT 0 CHECK (generated_tokens >= 0),
         ledger_json          TEXT NOT NULL DEFAULT '',  -- opaque, written by server/
         trace_json           TEXT NOT NULL DEFAULT '',  -- opaque, written by server/
         error                TEXT NOT NULL DEFAULT ''
       ) STRICT;
       CREATE INDEX messages_by_thread ON messages (thread_id, context_epoch);
       CREATE INDEX messages_by_workspace_time ON messages (workspace_id, created_at);

       -- The passages an answer cites as [number]. chunk_id is not a foreign
       -- key: deleting a document must not rewrite chat history, so the
       -- citation keeps its own copy of what the user saw.
       CREATE TABLE message_sources (
         message_id    INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
         number        INTEGER NOT NULL CHECK (number >= 1),
         chunk_id      INTEGER NOT NULL,  -- the passage's first chunk
         chunk_ids     TEXT NOT NULL DEFAULT '',  -- all its chunks, "12 13 14"
         document_id   INTEGER NOT NULL DEFAULT 0,
         document_name TEXT NOT NULL DEFAULT '',
         page_first    INTEGER NOT NULL DEFAULT 0,
         page_last     INTEGER NOT NULL DEFAULT 0,
         heading_path  TEXT NOT NULL DEFAULT '',
         snippet       TEXT NOT NULL DEFAULT '',
         score         REAL NOT NULL DEFAULT 0.0,
         retrievers    TEXT NOT NULL DEFAULT '',  -- e.g. "vector,lexical"
         -- 1 when this turn put the passage's text into the prompt, 0 when
         -- the thread's context already held it and it was only cited again.
         in_prompt     INTEGER NOT NULL DEFAULT 1 CHECK (in_prompt IN (0, 1)),
         PRIMARY KEY (message_id, number)
       ) STRICT;
     )sql"},
    {6, "accounts",
     R"sql(
       -- AUTOINCREMENT: sessions, keys and audit rows name users by id, and
       -- an id is never handed to a new user after its owner was deleted.
       CREATE TABLE users (
         id            INTEGER PRIMARY KEY AUTOINCREMENT,
         name          TEXT NOT NULL UNIQUE COLLATE NOCASE,  -- "Ann" and "ann" are one user
         password_hash TEXT NOT NULL,  -- argon2id, "$argon2id$v=19$..."
         role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'default')),
         suspended     INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
         created_at    INTEGER NOT NULL,  -- unix milliseconds
         updated_at    INTEGER NOT NULL   -- unix milliseconds
       ) STRICT;

       -- Login sessions. Only hashes are stored (lowercase hex SHA-256 of the
       -- cookie's token and of the CSRF token), never the tokens.
       CREATE TABLE sessions (
         id           INTEGER PRIMARY KEY,
         user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         token_hash   TEXT NOT NULL UNIQUE,
         csrf_hash    TEXT NOT NULL,
         created_at   INTEGER NOT NULL,  -- unix milliseconds
         last_seen_at INTEGER NOT NULL,  -- unix milliseconds
         expires_at   INTEGER NOT NULL   -- unix milliseconds
       ) STRICT;
       CREATE INDEX sessions_by_user ON sessions (user_id);

       -- API keys: the hash of the secret, never the secret.
       CREATE TABLE api_keys (
         id           INTEGER PRIMARY KEY AUTOINCREMENT,
         user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         name         TEXT NOT NULL,
         token_hash   TEXT NOT NULL UNIQUE,
         preview      TEXT NOT NULL,  -- the secret's first characters
         actions      TEXT NOT NULL,  -- comma list of action names, e.g. "read,chat"
         -- NULL: every workspace of the owner; else a comma list of workspace
         -- ids, e.g. "3,7" (not foreign keys: workspace ids are never reused).
         workspaces   TEXT,
         created_at   INTEGER NOT NULL,  -- unix milliseconds
         last_used_at INTEGER,           -- NULL until first used
         expires_at   INTEGER,           -- NULL: never
         revoked_at   INTEGER            -- NULL: not revoked
       ) STRICT;
       CREATE INDEX api_keys_by_user ON api_keys (user_id);

       CREATE TABLE workspace_members (
         workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
         user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
         PRIMARY KEY (workspace_id, user_id)
       ) STRICT, WITHOUT ROWID;
       CREATE INDEX workspace_members_by_user ON workspace_members (user_id, workspace_id);

       -- Who changed accounts and access, and who signed in. Not foreign
       -- keys: the log outlives the users it names.
       CREATE TABLE audit_events (
         id            INTEGER PRIMARY KEY AUTOINCREMENT,
         at            INTEGER NOT NULL,  -- unix milliseconds
         actor_user_id INTEGER NOT NULL,  -- 0: the command line or the system
         actor_name    TEXT NOT NULL,
         action        TEXT NOT NULL,     -- login, login_failed, user_created, ...
         target        TEXT NOT NULL DEFAULT '',  -- e.g. "user:3", "key:7"
         detail        TEXT NOT NULL DEFAULT '',  -- never a password or secret
         address       TEXT NOT NULL DEFAULT ''   -- the client's, when over HTTP
       ) STRICT;
       CREATE INDEX audit_events_by_time ON audit_events (at);

       -- Owners: 0 is the single-user local owner (and every row from before
       -- accounts). Not foreign keys (SQLite cannot add one with a non-NULL
       -- default); deleting a user deletes their threads explicitly.
       ALTER TABLE threads ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
       CREATE INDEX threads_by_user ON threads (user_id, workspace_id);
       ALTER TABLE documents ADD COLUMN uploaded_by INTEGER NOT NULL DEFAULT 0;

       -- Whether default-role members may upload, pin and delete documents.
       ALTER TABLE workspaces ADD COLUMN members_can_upload INTEGER NOT NULL DEFAULT 0
         CHECK (members_can_upload IN (0, 1));
     )sql"},
    {7, "lexical_index_log",
     R"sql(
       -- hearth's own lexical index (rag/lexical_indexes.h) replays the
       -- stream 'lexical' of index_changes: an 'add' for every chunk
       -- inserted, and the 'remove' chunks_index_after_delete logs once the
       -- chunk has an 'add'. Chunks are never updated in place (ingestion
       -- deletes and inserts), so no update trigger is needed.
       CREATE TRIGGER chunks_lexical_after_insert AFTER INSERT ON chunks BEGIN
         INSERT INTO index_changes (workspace_id, embedder, chunk_id, op)
           SELECT documents.workspace_id, 'lexical', new.id, 'add'
             FROM documents WHERE documents.id = new.document_id;
       END;
       INSERT INTO index_changes (workspace_id, embedder, chunk_id, op)
         SELECT documents.workspace_id, 'lexical', chunks.id, 'add'
           FROM chunks JOIN documents ON documents.id = chunks.document_id
           ORDER BY chunks.id;
     )sql"},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

}  // namespace hearth::internal
