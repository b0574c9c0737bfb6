#include "app/consistency_check.h"

#include <algorithm>
#include <filesystem>

#include "app/token_counter_cache.h"
#include "base/status_macros.h"
#include "models/model_name.h"
#include "rag/workspace_indexes.h"
#include "store/blob_store.h"
#include "store/chunk_table.h"
#include "store/document_table.h"
#include "store/embedding_cache.h"
#include "store/job_table.h"
#include "store/workspace_table.h"

namespace hearth {
namespace {

constexpr size_t kReadBatch = 1024;

struct CheckContext {
  Database& db;
  const ModelStore& models;
  WorkspaceIndexes& indexes;
  BlobStore& originals;
  bool repair;
  ConsistencyReport& report;
};

Status CheckSqlite(CheckContext& check) {
  ASSIGN_OR_RETURN(std::vector<std::string> problems, check.db.IntegrityProblems());
  for (const std::string& problem : problems) check.report.problems.push_back("SQLite: " + problem);
  Status fts = ChunkTable(check.db).CheckFts();
  if (fts.ok()) return OkStatus();
  if (!check.repair) {
    check.report.problems.push_back(fts.message());
    return OkStatus();
  }
  RETURN_IF_ERROR(ChunkTable(check.db).RebuildFts());
  check.report.repairs.push_back("rebuilt the full-text index (" + fts.message() + ")");
  return OkStatus();
}

// The chunks of `ids` that have a vector from `embedder_id`.
StatusOr<std::vector<int64_t>> WithVectors(Database& db, const std::string& embedder_id,
                                           const std::vector<int64_t>& ids) {
  std::vector<int64_t> covered;
  for (size_t begin = 0; begin < ids.size(); begin += kReadBatch) {
    std::span<const int64_t> batch =
        std::span(ids).subspan(begin, std::min(kReadBatch, ids.size() - begin));
    ASSIGN_OR_RETURN(std::vector<ChunkRow> chunks, ChunkTable(db).GetByIds(batch));
    std::vector<std::string> hashes;
    for (const ChunkRow& chunk : chunks) hashes.push_back(chunk.content_hash);
    ASSIGN_OR_RETURN(auto found, EmbeddingCache(db).Lookup(embedder_id, hashes));
    for (const ChunkRow& chunk : chunks) {
      if (found.contains(chunk.content_hash)) covered.push_back(chunk.id);
    }
  }
  return covered;
}

Status CheckOriginals(CheckContext& check, const WorkspaceRow& workspace) {
  ASSIGN_OR_RETURN(std::vector<DocumentRow> documents,
                   DocumentTable(check.db).ListByWorkspace(workspace.id));
  check.report.documents += static_cast<int64_t>(documents.size());
  for (const DocumentRow& document : documents) {
    ASSIGN_OR_RETURN(Digest digest, Digest::Parse(document.blob_digest));
    if (!check.originals.PathOf(digest).ok()) {
      check.report.problems.push_back("workspace '" + workspace.slug + "': the original of '" +
                                      document.name + "' (" + document.blob_digest +
                                      ") is missing");
    }
  }
  return OkStatus();
}

// An index file that had to be rebuilt (`file` names it). One that exists
// was corrupt or made for other dimensions: a problem unless repaired. One
// that does not was never saved (a server killed before it wrote it): the
// next start rebuilds it as this check did, so it is only a note.
void ReportRebuilt(CheckContext& check, const std::string& file, bool file_exists) {
  if (check.repair) {
    check.report.repairs.push_back(file + (file_exists ? " was corrupt or stale" : " was missing") +
                                   "; rebuilt from the database");
  } else if (file_exists) {
    check.report.problems.push_back(
        file + " was corrupt or stale (rebuilt in memory; run with --repair to save)");
  } else {
    check.report.notes.push_back(file + " was not saved yet; the next start rebuilds it "
                                 "(--repair saves it now)");
  }
}

Status CheckVectors(CheckContext& check, const WorkspaceRow& workspace,
                    const std::vector<int64_t>& chunk_ids) {
  if (workspace.settings.embedder.empty() || chunk_ids.empty()) return OkStatus();
  const std::string where = "workspace '" + workspace.slug + "'";
  StatusOr<ModelName> name = ParseModelName(workspace.settings.embedder);
  StatusOr<ResolvedModel> embedder =
      name.ok() ? check.models.Resolve(*name) : StatusOr<ResolvedModel>(name.status());
  if (!embedder.ok()) {
    check.report.problems.push_back(where + ": its embedder: " + embedder.status().message());
    return OkStatus();
  }
  const std::string embedder_id = EmbedderId(*embedder);
  ASSIGN_OR_RETURN(std::vector<int64_t> expected, WithVectors(check.db, embedder_id, chunk_ids));
  if (expected.size() < chunk_ids.size()) {
    check.report.problems.push_back(
        where + ": " + std::to_string(chunk_ids.size() - expected.size()) + " of " +
        std::to_string(chunk_ids.size()) + " chunks have no vector from " +
        workspace.settings.embedder + " (re-embed the workspace)");
  }
  const IndexKey key = IndexKeyOf(workspace, embedder_id);
  ASSIGN_OR_RETURN(std::vector<int64_t> indexed, check.indexes.Keys(key));
  check.report.vectors += static_cast<int64_t>(indexed.size());
  const std::optional<IndexOrigin> origin = check.indexes.OriginOf(key);
  if (origin == IndexOrigin::kRebuilt) {
    ReportRebuilt(check, where + ": its vector index file",
                  std::filesystem::exists(check.indexes.PathOf(key)));
  }
  if (indexed != expected) {
    check.report.problems.push_back(where + ": the vector index holds " +
                                    std::to_string(indexed.size()) + " vectors, the database " +
                                    std::to_string(expected.size()));
  }
  return OkStatus();
}

Status CheckLexical(CheckContext& check, const WorkspaceRow& workspace,
                    const std::vector<int64_t>& chunk_ids) {
  const std::string where = "workspace '" + workspace.slug + "'";
  LexicalIndexes& lexical = check.indexes.lexical();
  ASSIGN_OR_RETURN(std::vector<int64_t> indexed, lexical.Keys(workspace.id));
  check.report.lexical_chunks += static_cast<int64_t>(indexed.size());
  if (lexical.OriginOf(workspace.id) == LexicalOrigin::kRebuilt) {
    ReportRebuilt(check, where + ": its lexical index file",
                  std::filesystem::exists(lexical.PathOf(workspace.id)));
  }
  if (indexed != chunk_ids) {
    check.report.problems.push_back(where + ": the lexical index holds " +
                                    std::to_string(indexed.size()) + " chunks, the database " +
                                    std::to_string(chunk_ids.size()));
  }
  return OkStatus();
}

Status CheckWorkspace(CheckContext& check, const WorkspaceRow& workspace) {
  ++check.report.workspaces;
  RETURN_IF_ERROR(CheckOriginals(check, workspace));
  ASSIGN_OR_RETURN(std::vector<int64_t> chunk_ids,
                   ChunkTable(check.db).ListIdsByWorkspace(workspace.id));
  check.report.chunks += static_cast<int64_t>(chunk_ids.size());
  RETURN_IF_ERROR(CheckLexical(check, workspace, chunk_ids));
  return CheckVectors(check, workspace, chunk_ids);
}

}  // namespace

StatusOr<ConsistencyReport> CheckKnowledgeBase(const std::filesystem::path& home,
                                               const ModelStore& models, bool repair) {
  const DatabaseOptions database{.path = home / "hearth.db"};
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(database));
  ASSIGN_OR_RETURN(std::unique_ptr<BlobStore> originals,
                   BlobStore::Open({.root = home / "documents", .stale_temp_age = {}}));
  WorkspaceIndexes indexes({.dir = home / "index"}, [database] { return Database::Open(database); });
  ConsistencyReport report;
  CheckContext check{*db, models, indexes, *originals, repair, report};
  RETURN_IF_ERROR(CheckSqlite(check));
  ASSIGN_OR_RETURN(std::vector<WorkspaceRow> workspaces, WorkspaceTable(*db).List());
  for (const WorkspaceRow& workspace : workspaces) RETURN_IF_ERROR(CheckWorkspace(check, workspace));
  ASSIGN_OR_RETURN(std::vector<JobRow> unfinished, JobTable(*db).ListUnfinished());
  report.unfinished_jobs = static_cast<int64_t>(unfinished.size());
  if (repair) RETURN_IF_ERROR(indexes.SaveAll());
  return report;
}

}  // namespace hearth
