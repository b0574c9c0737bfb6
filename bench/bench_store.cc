#include "bench/bench_store.h"

#include <unistd.h>

#include <atomic>
#include <string>
#include <system_error>

#include "base/status_macros.h"
#include "store/digest.h"
#include "store/document_table.h"
#include "store/workspace_table.h"

namespace hearth::bench {

namespace fs = std::filesystem;

ChunkRow ChunkRowOf(const Chunk& chunk, int64_t ordinal) {
  std::string heading_path;
  for (const std::string& heading : chunk.heading_path) {
    if (!heading_path.empty()) heading_path += " > ";
    heading_path += heading;
  }
  return ChunkRow{.ordinal = ordinal,
                  .text = chunk.text,
                  .heading_path = std::move(heading_path),
                  .embed_prefix = chunk.embed_text.substr(0, chunk.embed_text.size() -
                                                             chunk.text.size()),
                  .page_first = chunk.page_first,
                  .page_last = chunk.page_last,
                  .token_count = chunk.token_count,
                  .content_hash = chunk.content_hash};
}

StatusOr<std::unique_ptr<BenchStore>> BenchStore::Create(std::string_view slug) {
  static std::atomic<int> serial{0};
  const fs::path dir = fs::temp_directory_path() /
                       ("hearth-bench-retrieval-" + std::to_string(getpid()) + "-" +
                        std::to_string(serial++));
  std::error_code error;
  fs::remove_all(dir, error);
  if (!fs::create_directories(dir, error)) {
    return InternalError("cannot create " + dir.string() + ": " + error.message());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open({.path = dir / "hearth.db"}));
  ASSIGN_OR_RETURN(int64_t workspace_id,
                   WorkspaceTable(*db).Create(slug, {.name = std::string(slug), .embedder = "bench"}));
  return std::unique_ptr<BenchStore>(new BenchStore(dir, std::move(db), workspace_id));
}

BenchStore::BenchStore(fs::path dir, std::unique_ptr<Database> db, int64_t workspace_id)
    : dir_(std::move(dir)), db_(std::move(db)), chunks_(*db_), workspace_id_(workspace_id) {}

BenchStore::~BenchStore() {
  transaction_.reset();
  db_.reset();
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

StatusOr<std::vector<int64_t>> BenchStore::AddDocument(std::string_view name,
                                                       std::string_view title,
                                                       const std::vector<ChunkRow>& rows) {
  DocumentTable documents(*db_);
  ASSIGN_OR_RETURN(int64_t document_id,
                   documents.Insert({.workspace_id = workspace_id_,
                                     .name = std::string(name),
                                     .blob_digest = Sha256Of(name).FileName(),
                                     .bytes = 0}));
  RETURN_IF_ERROR(documents.SetConverted(document_id, "text", title, 0));
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, chunks_.InsertBatch(document_id, rows));
  RETURN_IF_ERROR(documents.SetStatus(document_id, DocumentStatus::kReady));
  return ids;
}

Status BenchStore::Begin() {
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*db_));
  transaction_.emplace(std::move(transaction));
  return OkStatus();
}

Status BenchStore::Commit() {
  if (!transaction_) return FailedPreconditionError("Commit without Begin");
  Status committed = transaction_->Commit();
  transaction_.reset();
  return committed;
}

uint64_t BenchStore::DiskBytes() const {
  uint64_t bytes = 0;
  std::error_code error;
  for (const char* name : {"hearth.db", "hearth.db-wal"}) {
    const uintmax_t size = fs::file_size(dir_ / name, error);
    if (!error) bytes += size;
  }
  return bytes;
}

}  // namespace hearth::bench
