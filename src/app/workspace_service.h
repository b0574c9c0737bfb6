// WorkspaceService: the workspaces and documents of one hearth, for the
// routes and verbs that read and change them (not for ingestion's own work,
// which IngestionService does).
//
// Reads go through one connection of its own, serialized by a mutex (SQLite
// reads are short); every write goes through the WriteQueue, the one writer.
// Deleting a document or workspace removes its chunks, their FTS rows and
// (through the index change log) their vectors; the blob of an original is
// removed when no document references it any more.
//
// Thread-safety: thread-safe.
#ifndef HEARTH_APP_WORKSPACE_SERVICE_H_
#define HEARTH_APP_WORKSPACE_SERVICE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "rag/workspace_indexes.h"
#include "store/database.h"
#include "store/document_table.h"
#include "store/job_table.h"
#include "store/workspace_table.h"
#include "store/write_queue.h"

namespace hearth {

class WorkspaceService {
 public:
  // `reader` is this service's own connection; `writer` and `indexes` must
  // outlive it.
  WorkspaceService(std::unique_ptr<Database> reader, WriteQueue& writer, WorkspaceIndexes& indexes);

  // Errors: those of WorkspaceTable::Create (InvalidArgument, AlreadyExists).
  StatusOr<WorkspaceRow> CreateWorkspace(std::string_view slug, const WorkspaceSettings& settings);
  StatusOr<std::vector<WorkspaceRow>> ListWorkspaces();
  // Errors: NotFound naming the slug.
  StatusOr<WorkspaceRow> GetWorkspace(std::string_view slug);
  Status UpdateWorkspace(int64_t id, const WorkspaceSettings& settings);
  Status DeleteWorkspace(int64_t id);

  StatusOr<std::vector<DocumentRow>> ListDocuments(int64_t workspace_id);
  // Errors: NotFound, also when the document is in another workspace.
  StatusOr<DocumentRow> GetDocument(int64_t workspace_id, int64_t document_id);
  Status DeleteDocument(int64_t workspace_id, int64_t document_id);
  Status SetPinned(int64_t workspace_id, int64_t document_id, bool pinned);

  // Errors: NotFound.
  StatusOr<JobRow> GetJob(int64_t job_id);
  StatusOr<std::vector<JobRow>> ListJobs(int64_t workspace_id);
  // The workspace's unfinished reembed job (its target_embedder is the
  // embedder the workspace is moving to); nullopt when none.
  StatusOr<std::optional<JobRow>> PendingReembed(int64_t workspace_id);

 private:
  // Runs `work` on the writer thread and waits for its commit.
  Status Write(WriteQueue::Work work);

  std::mutex mu_;
  std::unique_ptr<Database> reader_ GUARDED_BY(mu_);
  WriteQueue& writer_;
  WorkspaceIndexes& indexes_;
};

}  // namespace hearth

#endif  // HEARTH_APP_WORKSPACE_SERVICE_H_
