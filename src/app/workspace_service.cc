#include "app/workspace_service.h"

#include "app/reembed_job.h"
#include "base/status_macros.h"

namespace hearth {

WorkspaceService::WorkspaceService(std::unique_ptr<Database> reader, WriteQueue& writer,
                                   WorkspaceIndexes& indexes)
    : reader_(std::move(reader)), writer_(writer), indexes_(indexes) {}

Status WorkspaceService::Write(WriteQueue::Work work) { return writer_.Submit(std::move(work)).get(); }

StatusOr<WorkspaceRow> WorkspaceService::CreateWorkspace(std::string_view slug,
                                                         const WorkspaceSettings& settings) {
  int64_t id = 0;
  RETURN_IF_ERROR(Write([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(id, WorkspaceTable(db).Create(slug, settings));
    return OkStatus();
  }));
  std::lock_guard lock(mu_);
  return WorkspaceTable(*reader_).Get(id);
}

StatusOr<std::vector<WorkspaceRow>> WorkspaceService::ListWorkspaces() {
  std::lock_guard lock(mu_);
  return WorkspaceTable(*reader_).List();
}

StatusOr<WorkspaceRow> WorkspaceService::GetWorkspace(std::string_view slug) {
  std::lock_guard lock(mu_);
  return WorkspaceTable(*reader_).GetBySlug(slug);
}

Status WorkspaceService::UpdateWorkspace(int64_t id, const WorkspaceSettings& settings) {
  return Write([&](Database& db) { return WorkspaceTable(db).Update(id, settings); });
}

Status WorkspaceService::DeleteWorkspace(int64_t id) {
  RETURN_IF_ERROR(Write([&](Database& db) { return WorkspaceTable(db).Delete(id); }));
  return indexes_.DropWorkspace(id);
}

StatusOr<std::vector<DocumentRow>> WorkspaceService::ListDocuments(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  return DocumentTable(*reader_).ListByWorkspace(workspace_id);
}

StatusOr<DocumentRow> WorkspaceService::GetDocument(int64_t workspace_id, int64_t document_id) {
  std::lock_guard lock(mu_);
  StatusOr<DocumentRow> document = DocumentTable(*reader_).Get(document_id);
  if (document.ok() && document->workspace_id != workspace_id) {
    return NotFoundError("no document " + std::to_string(document_id) + " in this workspace");
  }
  return document;
}

Status WorkspaceService::DeleteDocument(int64_t workspace_id, int64_t document_id) {
  RETURN_IF_ERROR(GetDocument(workspace_id, document_id).status());
  return Write([&](Database& db) { return DocumentTable(db).Delete(document_id); });
}

Status WorkspaceService::SetPinned(int64_t workspace_id, int64_t document_id, bool pinned) {
  RETURN_IF_ERROR(GetDocument(workspace_id, document_id).status());
  return Write([&](Database& db) { return DocumentTable(db).SetPinned(document_id, pinned); });
}

StatusOr<JobRow> WorkspaceService::GetJob(int64_t job_id) {
  std::lock_guard lock(mu_);
  return JobTable(*reader_).Get(job_id);
}

StatusOr<std::vector<JobRow>> WorkspaceService::ListJobs(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  return JobTable(*reader_).ListByWorkspace(workspace_id);
}

StatusOr<std::optional<JobRow>> WorkspaceService::PendingReembed(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const std::vector<JobRow> pending, UnfinishedReembeds(*reader_, workspace_id));
  if (pending.empty()) return std::nullopt;
  return pending.front();
}

}  // namespace hearth
