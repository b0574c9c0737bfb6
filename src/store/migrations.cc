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
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

}  // namespace hearth::internal
