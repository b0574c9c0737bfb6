// WorkspaceIndexes: the vector indexes of all workspaces, one per
// (workspace, embedder), kept in agreement with SQLite; it also owns the
// workspaces' lexical indexes (lexical(), rag/lexical_indexes.h), which are
// saved and dropped with the vector indexes.
//
// SQLite is the source of truth; an index is derived data. Each index file
// (<dir>/ws-<workspace>-<embedder id>.usearch, rag/vector_index.h) records the
// last index change (store/index_change_log.h) it reflects. Opening an index
// applies the changes since then; an index that is missing, corrupt, or made
// for other dimensions is rebuilt from the chunks and the embedding cache.
// Nothing is lost by deleting an index file.
//
// Thread-safety: thread-safe. Indexes, and the one database connection they
// read through, are opened lazily on first use.
#ifndef HEARTH_RAG_WORKSPACE_INDEXES_H_
#define HEARTH_RAG_WORKSPACE_INDEXES_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "rag/lexical_indexes.h"
#include "rag/vector_index.h"
#include "store/database.h"
#include "store/workspace_table.h"

namespace hearth {

struct IndexKey {
  int64_t workspace_id = 0;
  std::string embedder_id;  // app/token_counter_cache.h EmbedderId()
  VectorScalar scalar = VectorScalar::kF16;  // the workspace's vector type
  auto operator<=>(const IndexKey&) const = default;
};

// The index of `workspace`'s vectors from `embedder_id`, in the workspace's
// vector type.
IndexKey IndexKeyOf(const WorkspaceRow& workspace, std::string embedder_id);

struct IndexHit {
  int64_t chunk_id = 0;
  float similarity = 0;  // cosine similarity, higher is closer
};

// How an index came to be in memory, for logs and tests.
enum class IndexOrigin { kLoaded, kCaughtUp, kRebuilt, kCreated };

struct WorkspaceIndexesOptions {
  std::filesystem::path dir;  // $HEARTH_HOME/index; created when missing
};

class WorkspaceIndexes {
 public:
  using ReaderFactory = std::function<StatusOr<std::unique_ptr<Database>>()>;

  WorkspaceIndexes(WorkspaceIndexesOptions options, ReaderFactory open_reader);
  ~WorkspaceIndexes();

  // Adds the vectors of chunks whose 'add' rows end at change `sequence`
  // (IndexChangeLog::AppendAdds' result). Errors: InvalidArgument for
  // mismatched sizes or dimensions.
  Status Add(const IndexKey& key, std::span<const int64_t> chunk_ids,
             std::span<const std::vector<float>> vectors, int64_t sequence);

  // Applies the change log since the index's sequence (removals of deleted
  // documents, adds committed before a crash). A key with no vectors yet
  // is left alone.
  Status CatchUp(const IndexKey& key);

  // The `k` nearest chunks to `query` (normalized like the stored vectors).
  StatusOr<std::vector<IndexHit>> Search(const IndexKey& key, std::span<const float> query,
                                         size_t k);

  // Writes every changed index, vector and lexical, to disk (atomically).
  Status SaveAll();

  // Forgets and deletes the index files of a workspace (it was deleted),
  // its lexical index's too.
  Status DropWorkspace(int64_t workspace_id);

  // The workspaces' lexical indexes, in the same folder.
  LexicalIndexes& lexical() { return lexical_; }

  // Forgets the index of `key` and deletes its file (a workspace moved to
  // another embedder; the old vectors stay in the embedding cache). A key
  // that is neither open nor on disk is fine. Errors: Unavailable when the
  // file exists but cannot be deleted.
  Status Drop(const IndexKey& key);

  // The chunk ids the index holds, sorted; for consistency checks.
  StatusOr<std::vector<int64_t>> Keys(const IndexKey& key);

  // How the index of `key` was last opened (nullopt when not open).
  std::optional<IndexOrigin> OriginOf(const IndexKey& key);

  std::filesystem::path PathOf(const IndexKey& key) const;

 private:
  struct Entry;
  // The one read connection, opened on first use.
  StatusOr<Database*> Reader() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The open index of `key`, opened (or rebuilt, or created) first when
  // needed; null when nothing is stored for it and dimensions == 0.
  StatusOr<Entry*> Open(const IndexKey& key, Database& db, size_t dimensions) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  StatusOr<std::unique_ptr<Entry>> Rebuild(const IndexKey& key, Database& db,
                                           size_t dimensions) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status ApplyChanges(const IndexKey& key, Entry& entry, Database& db) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status SaveVectorIndexes();

  const WorkspaceIndexesOptions options_;
  const ReaderFactory open_reader_;
  std::mutex mu_;
  std::unique_ptr<Database> reader_ GUARDED_BY(mu_);
  std::map<IndexKey, std::unique_ptr<Entry>> open_ GUARDED_BY(mu_);
  LexicalIndexes lexical_;
};

}  // namespace hearth

#endif  // HEARTH_RAG_WORKSPACE_INDEXES_H_
