// ResourceResolver: what a route acts on, found from its path before
// Authorize() (route_specs.h's ResourceLookup): the workspace of a :slug,
// the workspace of a document, job or thread :id, the owner of a thread,
// user or key. Errors: NotFound for what does not exist (also a document or
// thread of another workspace than the :slug's), named by what the path
// said.
//
// Thread-safety: thread-safe (the services are).
#ifndef HEARTH_SERVER_RESOURCE_RESOLVER_H_
#define HEARTH_SERVER_RESOURCE_RESOLVER_H_

#include "auth/access.h"
#include "base/status.h"
#include "httplib.h"
#include "server/route_specs.h"
#include "store/thread_table.h"

namespace hearth {

class AccountService;
class ThreadService;
class WorkspaceService;

// A thread as a resource: its workspace and owner.
Resource ThreadResource(const ThreadRow& thread);

class ResourceResolver {
 public:
  // Each may be null when the server does not serve those routes.
  ResourceResolver(WorkspaceService* workspaces, ThreadService* threads, AccountService* accounts);

  StatusOr<Resource> Resolve(ResourceLookup lookup, const httplib::Request& request);

 private:
  StatusOr<Resource> Workspace(const httplib::Request& request);

  WorkspaceService* const workspaces_;
  ThreadService* const threads_;
  AccountService* const accounts_;
};

}  // namespace hearth

#endif  // HEARTH_SERVER_RESOURCE_RESOLVER_H_
