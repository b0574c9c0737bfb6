// LexicalIndexes: the lexical (BM25) indexes of all workspaces, one per
// workspace, kept in agreement with SQLite the way WorkspaceIndexes keeps the
// vector indexes (rag/workspace_indexes.h).
//
// SQLite is the source of truth; an index is derived data. The schema logs
// every chunk insert and delete in the index change log under the stream
// kLexicalStream (store/index_change_log.h). Each index file
// (<dir>/ws-<workspace>-lexical.hlx, rag/lexical_index.h) records the last
// change it reflects; opening an index applies the changes since then, and
// every search first applies what is new, so a search sees every committed
// chunk. An index that is missing, corrupt, of another format or ahead of
// the database is rebuilt from the chunks. Nothing is lost by deleting a
// file; a kill -9 loses only unsaved work, which is replayed from the log.
//
// Thread-safety: thread-safe. One mutex guards the map, the database
// connection and every change to an index; a search catches up under it and
// then scores outside it under its index's reader lock, so searches (of one
// workspace or several) run side by side. A change to an index waits, under
// the mutex, for the searches still scoring on it. Indexes, and the one
// database connection they read through, are opened lazily on first use.
//
// Example:
//   LexicalIndexes indexes({.dir = home / "index"}, open_reader);
//   ASSIGN_OR_RETURN(std::vector<LexicalHit> hits, indexes.Search(workspace_id, "tax 2024", 50));
//   RETURN_IF_ERROR(indexes.SaveAll());
#ifndef HEARTH_RAG_LEXICAL_INDEXES_H_
#define HEARTH_RAG_LEXICAL_INDEXES_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "rag/lexical_index.h"
#include "store/database.h"

namespace hearth {

// How an index came to be in memory (the same meanings as IndexOrigin in
// rag/workspace_indexes.h).
enum class LexicalOrigin { kLoaded, kCaughtUp, kRebuilt, kCreated };

struct LexicalIndexesOptions {
  std::filesystem::path dir;  // $HEARTH_HOME/index; created when missing
};

class LexicalIndexes {
 public:
  using ReaderFactory = std::function<StatusOr<std::unique_ptr<Database>>()>;

  LexicalIndexes(LexicalIndexesOptions options, ReaderFactory open_reader);
  ~LexicalIndexes();

  // Applies the change log since the index's sequence, opening (or
  // rebuilding) the index first when needed. Errors: the database's.
  Status CatchUp(int64_t workspace_id);

  // The (up to) `k` best chunks of the workspace for `query`, after catching
  // up; the chunks of documents still being ingested are among them (the
  // caller filters). Errors: InvalidArgument for k outside
  // 1..LexicalIndex::kMaxHits; the database's.
  StatusOr<std::vector<LexicalHit>> Search(int64_t workspace_id, std::string_view query, size_t k,
                                           const LexicalSearchOptions& options = {});

  // Writes every changed index to disk (atomically).
  Status SaveAll();

  // Forgets the workspace's index and deletes its file (it was deleted).
  // Errors: Unavailable when the file exists but cannot be deleted.
  Status DropWorkspace(int64_t workspace_id);

  // The chunk ids the index holds after catching up, ascending.
  StatusOr<std::vector<int64_t>> Keys(int64_t workspace_id);

  // Bytes of memory the workspace's open index holds (0 when not open).
  size_t MemoryBytes(int64_t workspace_id);

  // How the workspace's index was last opened (nullopt when not open).
  std::optional<LexicalOrigin> OriginOf(int64_t workspace_id);

  std::filesystem::path PathOf(int64_t workspace_id) const;

 private:
  struct Entry;
  StatusOr<Database*> Reader() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The caught-up index of the workspace, opened or rebuilt first when needed.
  StatusOr<std::shared_ptr<Entry>> Current(int64_t workspace_id) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  StatusOr<std::shared_ptr<Entry>> Open(int64_t workspace_id, Database& db)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  StatusOr<std::shared_ptr<Entry>> Rebuild(int64_t workspace_id, Database& db)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status ApplyChanges(int64_t workspace_id, Entry& entry, Database& db)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LexicalIndexesOptions options_;
  const ReaderFactory open_reader_;
  std::mutex mu_;
  std::unique_ptr<Database> reader_ GUARDED_BY(mu_);
  // Shared with the searches still reading an entry that was since replaced
  // (rebuilt) or dropped.
  std::map<int64_t, std::shared_ptr<Entry>> open_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_RAG_LEXICAL_INDEXES_H_
