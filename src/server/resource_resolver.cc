#include "server/resource_resolver.h"

#include <string>

#include "app/account_service.h"
#include "app/thread_service.h"
#include "app/workspace_service.h"
#include "base/status_macros.h"
#include "server/workspace_path.h"

namespace hearth {
namespace {

Status NotServed() { return NotFoundError("this server does not serve that resource"); }

}  // namespace

Resource ThreadResource(const ThreadRow& thread) {
  return Resource{.kind = ResourceKind::kThread,
                  .workspace_id = thread.workspace_id,
                  .owner_user_id = thread.user_id};
}

ResourceResolver::ResourceResolver(WorkspaceService* workspaces, ThreadService* threads,
                                   AccountService* accounts)
    : workspaces_(workspaces), threads_(threads), accounts_(accounts) {}

StatusOr<Resource> ResourceResolver::Workspace(const httplib::Request& request) {
  if (workspaces_ == nullptr) return NotServed();
  const auto slug = request.path_params.find("slug");
  if (slug == request.path_params.end()) return NotFoundError("no workspace in the path");
  ASSIGN_OR_RETURN(WorkspaceRow row, workspaces_->GetWorkspace(slug->second));
  return Resource{.kind = ResourceKind::kWorkspace,
                  .workspace_id = row.id,
                  .members_can_upload = row.settings.members_can_upload};
}

StatusOr<Resource> ResourceResolver::Resolve(ResourceLookup lookup,
                                             const httplib::Request& request) {
  switch (lookup) {
    case ResourceLookup::kPublic:
    case ResourceLookup::kSystem:
      return Resource{.kind = ResourceKind::kSystem};
    case ResourceLookup::kModel:
      return Resource{.kind = ResourceKind::kModel};
    case ResourceLookup::kWorkspace:
      return Workspace(request);
    case ResourceLookup::kDocument: {
      ASSIGN_OR_RETURN(Resource resource, Workspace(request));
      ASSIGN_OR_RETURN(int64_t id, internal::ParsePathId(request));
      RETURN_IF_ERROR(workspaces_->GetDocument(resource.workspace_id, id).status());
      resource.kind = ResourceKind::kDocument;
      return resource;
    }
    case ResourceLookup::kThread: {
      ASSIGN_OR_RETURN(Resource resource, Workspace(request));
      ASSIGN_OR_RETURN(int64_t id, internal::ParsePathId(request));
      if (threads_ == nullptr) return NotServed();
      ASSIGN_OR_RETURN(ThreadRow thread, threads_->GetThread(resource.workspace_id, id));
      return ThreadResource(thread);
    }
    case ResourceLookup::kJob: {
      if (workspaces_ == nullptr) return NotServed();
      ASSIGN_OR_RETURN(int64_t id, internal::ParsePathId(request));
      ASSIGN_OR_RETURN(JobRow job, workspaces_->GetJob(id));
      return Resource{.kind = ResourceKind::kJob, .workspace_id = job.workspace_id};
    }
    case ResourceLookup::kSelf:  // RouteTable fills in the owner
      return Resource{.kind = ResourceKind::kUser};
    case ResourceLookup::kUser: {
      ASSIGN_OR_RETURN(int64_t id, internal::ParsePathId(request));
      return Resource{.kind = ResourceKind::kUser, .owner_user_id = id};
    }
    case ResourceLookup::kApiKey: {
      if (accounts_ == nullptr) return NotServed();
      ASSIGN_OR_RETURN(int64_t id, internal::ParsePathId(request));
      ASSIGN_OR_RETURN(ApiKeyInfo key, accounts_->GetKey(id));
      return Resource{.kind = ResourceKind::kApiKey, .owner_user_id = key.user_id};
    }
  }
  return InternalError("unknown resource lookup");
}

}  // namespace hearth
