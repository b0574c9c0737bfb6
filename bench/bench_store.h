// BenchStore: a throwaway hearth store (SQLite database under a temporary
// folder) with one workspace, filled the way ingestion fills it: a document
// row per source, its chunks through ChunkTable (so the full-text index is
// kept by the schema's triggers), then the document marked ready.
//
// Thread model: externally synchronized (it owns one Database connection).
// The folder is deleted when the BenchStore is destroyed.
//
// Example:
//   ASSIGN_OR_RETURN(std::unique_ptr<BenchStore> store, BenchStore::Create("scifact"));
//   ASSIGN_OR_RETURN(std::vector<int64_t> ids, store->AddDocument("4983", "A title", rows));
//   ASSIGN_OR_RETURN(std::vector<FtsHit> hits, store->chunks().SearchFts(store->workspace_id(), q, 100));
#ifndef HEARTH_BENCH_BENCH_STORE_H_
#define HEARTH_BENCH_BENCH_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "rag/chunker.h"
#include "store/chunk_table.h"
#include "store/database.h"
#include "store/transaction.h"

namespace hearth::bench {

// The row ingestion stores for `chunk` (embed_prefix: embed_text minus text).
ChunkRow ChunkRowOf(const Chunk& chunk, int64_t ordinal);

class BenchStore {
 public:
  // A new store in a fresh folder under the system's temporary folder, with
  // workspace `slug`. Errors: the database's and the workspace table's.
  static StatusOr<std::unique_ptr<BenchStore>> Create(std::string_view slug);
  ~BenchStore();
  BenchStore(const BenchStore&) = delete;
  BenchStore& operator=(const BenchStore&) = delete;

  // Adds a ready document named `name` with `rows` (ordinals 0..n-1) and
  // returns the chunk ids in order. Errors: the tables' (a repeated name is
  // AlreadyExists, as its digest is the name's).
  StatusOr<std::vector<int64_t>> AddDocument(std::string_view name, std::string_view title,
                                             const std::vector<ChunkRow>& rows);

  // Groups later AddDocument calls into one transaction until Commit (one
  // fsync instead of one per document).
  Status Begin();
  Status Commit();

  // Bytes of the database files (main and WAL).
  uint64_t DiskBytes() const;

  Database& db() { return *db_; }
  ChunkTable& chunks() { return chunks_; }
  int64_t workspace_id() const { return workspace_id_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  BenchStore(std::filesystem::path dir, std::unique_ptr<Database> db, int64_t workspace_id);

  const std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
  ChunkTable chunks_;
  const int64_t workspace_id_;
  std::optional<Transaction> transaction_;
};

}  // namespace hearth::bench

#endif  // HEARTH_BENCH_BENCH_STORE_H_
