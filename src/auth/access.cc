#include "auth/access.h"

#include <string>

namespace hearth {

namespace {

// --- names used in messages -------------------------------------------------

std::string_view ActionVerb(Action action) {
  switch (action) {
    case Action::kRead: return "read";
    case Action::kChat: return "chat with";
    case Action::kWrite: return "write";
    case Action::kManage: return "manage";
    case Action::kCreateWorkspace: return "create workspaces on";
    case Action::kAdmin: return "administer";
  }
  return "use";
}

std::string_view KindNoun(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kSystem: return "the server";
    case ResourceKind::kModel: return "models";
    case ResourceKind::kWorkspace: return "this workspace";
    case ResourceKind::kDocument: return "documents";
    case ResourceKind::kThread: return "threads";
    case ResourceKind::kJob: return "jobs";
    case ResourceKind::kUser: return "users";
    case ResourceKind::kApiKey: return "API keys";
  }
  return "this resource";
}

bool InWorkspace(const Resource& resource) {
  return resource.workspace_id != 0 && resource.kind != ResourceKind::kWorkspace &&
         resource.kind != ResourceKind::kUser && resource.kind != ResourceKind::kApiKey;
}

// "a default member cannot write documents in this workspace"
Status Denied(std::string_view who, Action action, const Resource& resource) {
  std::string message(who);
  message += " cannot ";
  message += ActionVerb(action);
  message += ' ';
  message += KindNoun(resource.kind);
  if (InWorkspace(resource)) message += " in this workspace";
  return PermissionDeniedError(message);
}

Status Hidden(const Resource& resource) {
  return NotFoundError(std::string(ResourceKindName(resource.kind)) + " not found");
}

std::string UserWho(const Principal& principal, bool in_workspace) {
  return "a " + std::string(RoleName(principal.role)) + (in_workspace ? " member" : " user");
}

// --- the owner's rights, by kind of resource --------------------------------

bool IsWorkspaceScoped(ResourceKind kind) {
  return kind == ResourceKind::kWorkspace || kind == ResourceKind::kDocument ||
         kind == ResourceKind::kThread || kind == ResourceKind::kJob;
}

bool CanSeeWorkspace(const Principal& principal, int64_t workspace_id) {
  return workspace_id != 0 && principal.member_workspaces.contains(workspace_id);
}

// A member's rights on a workspace and its documents and jobs.
bool MemberMay(const Principal& principal, Action action, const Resource& resource) {
  switch (action) {
    case Action::kRead:
    case Action::kChat: return true;
    case Action::kWrite:
      return principal.role == Role::kManager || resource.members_can_upload;
    case Action::kManage: return principal.role == Role::kManager;
    case Action::kCreateWorkspace:
    case Action::kAdmin: return false;
  }
  return false;
}

// Threads are private: their owner may do anything a thread allows; no one
// else (but admins, handled earlier) may even learn that it exists.
Status AuthorizeThread(const Principal& principal, Action action, const Resource& resource) {
  const bool visible = resource.owner_user_id != 0 && resource.owner_user_id == principal.user_id &&
                       (resource.workspace_id == 0 ||
                        CanSeeWorkspace(principal, resource.workspace_id));
  if (!visible) return Hidden(resource);
  if (action == Action::kCreateWorkspace || action == Action::kAdmin) {
    return Denied(UserWho(principal, resource.workspace_id != 0), action, resource);
  }
  return OkStatus();
}

Status AuthorizeInWorkspace(const Principal& principal, Action action, const Resource& resource) {
  if (resource.kind == ResourceKind::kThread) return AuthorizeThread(principal, action, resource);
  if (!CanSeeWorkspace(principal, resource.workspace_id)) return Hidden(resource);
  if (MemberMay(principal, action, resource)) return OkStatus();
  return Denied(UserWho(principal, true), action, resource);
}

// Users and API keys: one's own may be read and managed.
Status AuthorizeAccount(const Principal& principal, Action action, const Resource& resource) {
  const bool own = resource.owner_user_id != 0 && resource.owner_user_id == principal.user_id;
  if (own && (action == Action::kRead || action == Action::kManage)) return OkStatus();
  if (own) return Denied(UserWho(principal, false), action, resource);
  std::string noun = resource.kind == ResourceKind::kUser ? "other users" : "other users' API keys";
  return PermissionDeniedError(UserWho(principal, false) + " cannot " +
                               std::string(ActionVerb(action)) + ' ' + noun);
}

Status AuthorizeGlobal(const Principal& principal, Action action, const Resource& resource) {
  bool allowed = false;
  if (resource.kind == ResourceKind::kModel) {
    allowed = action == Action::kRead || action == Action::kChat;
  } else {  // kSystem
    allowed = action == Action::kRead ||
              (action == Action::kCreateWorkspace && principal.role == Role::kManager);
  }
  if (allowed) return OkStatus();
  return Denied(UserWho(principal, false), action, resource);
}

// The rights of the user behind `principal` (a signed-in user or a key's
// owner), ignoring any key narrowing.
Status AuthorizeUser(const Principal& principal, Action action, const Resource& resource) {
  if (principal.role == Role::kAdmin) return OkStatus();
  if (IsWorkspaceScoped(resource.kind)) return AuthorizeInWorkspace(principal, action, resource);
  if (resource.kind == ResourceKind::kUser || resource.kind == ResourceKind::kApiKey) {
    return AuthorizeAccount(principal, action, resource);
  }
  return AuthorizeGlobal(principal, action, resource);
}

// --- API key narrowing ------------------------------------------------------

// The scope a key needs for `action`: admin covers manage and creating
// workspaces; every other action needs its own scope.
Action RequiredScope(Action action) {
  if (action == Action::kManage || action == Action::kCreateWorkspace) return Action::kAdmin;
  return action;
}

// A key that names workspaces sees nothing outside them: a workspace-scoped
// resource elsewhere does not exist for it, anything else is refused.
Status CheckKeyWorkspaces(const Principal& principal, Action action, const Resource& resource) {
  if (!principal.key_workspaces.has_value()) return OkStatus();
  const bool scoped = IsWorkspaceScoped(resource.kind) && resource.workspace_id != 0;
  if (scoped && principal.key_workspaces->contains(resource.workspace_id)) return OkStatus();
  if (IsWorkspaceScoped(resource.kind)) return Hidden(resource);
  return Denied("an API key limited to some workspaces", action, resource);
}

Status AuthorizeKey(const Principal& principal, Action action, const Resource& resource) {
  if (Status status = CheckKeyWorkspaces(principal, action, resource); !status.ok()) return status;
  Status owner = AuthorizeUser(principal, action, resource);
  if (owner.code() == StatusCode::kNotFound) return owner;
  const Action scope = RequiredScope(action);
  if (!principal.key_actions.contains(scope)) {
    return Denied("an API key without the '" + std::string(ActionName(scope)) + "' scope", action,
                  resource);
  }
  return owner;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kDefault: return "default";
  }
  return "default";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kAdmin, Role::kManager, Role::kDefault}) {
    if (RoleName(role) == name) return role;
  }
  return std::nullopt;
}

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kRead: return "read";
    case Action::kChat: return "chat";
    case Action::kWrite: return "write";
    case Action::kManage: return "manage";
    case Action::kCreateWorkspace: return "create_workspace";
    case Action::kAdmin: return "admin";
  }
  return "unknown";
}

std::string_view ResourceKindName(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kSystem: return "system";
    case ResourceKind::kModel: return "model";
    case ResourceKind::kWorkspace: return "workspace";
    case ResourceKind::kDocument: return "document";
    case ResourceKind::kThread: return "thread";
    case ResourceKind::kJob: return "job";
    case ResourceKind::kUser: return "user";
    case ResourceKind::kApiKey: return "api_key";
  }
  return "unknown";
}

Status Authorize(const Principal& principal, Action action, const Resource& resource) {
  switch (principal.kind) {
    case Principal::Kind::kAnonymous:
      return UnauthenticatedError("sign in first (or send an API key) to " +
                                  std::string(ActionVerb(action)) + ' ' +
                                  std::string(KindNoun(resource.kind)));
    case Principal::Kind::kLocalOwner: return OkStatus();
    case Principal::Kind::kUser:
    case Principal::Kind::kApiKey: break;
  }
  if (principal.suspended) {
    return UnauthenticatedError("this account is suspended; ask an administrator to reactivate it");
  }
  if (principal.kind == Principal::Kind::kApiKey) return AuthorizeKey(principal, action, resource);
  return AuthorizeUser(principal, action, resource);
}

}  // namespace hearth
