// Who may do what: the one authorization decision of hearth.
//
// Every HTTP route, every way of authenticating (session cookie, API key,
// the single-user local owner) and every streaming endpoint asks
// Authorize(principal, action, resource) before it acts, and again on open
// streams when the principal may have changed. Nothing else decides access.
//
// The rules:
//   - kAnonymous: nothing (Unauthenticated).
//   - kLocalOwner (single-user mode, no login): everything.
//   - A suspended principal: nothing (Unauthenticated).
//   - Role admin: everything.
//   - Role manager: in workspaces they are a member of, read, chat, write and
//     manage; may create workspaces (kCreateWorkspace on the system).
//   - Role default: in member workspaces, read and chat; write (upload, pin,
//     delete documents) only where the workspace allows members to upload.
//   - Threads are private: only their owner (and admins) read, chat in or
//     delete them, whatever the role in the workspace.
//   - Users and API keys: a user reads and manages their own (kRead,
//     kManage on their own user or key); others' only an admin.
//   - Models (resource kModel): kRead (list, show, ps) and kChat (generate,
//     chat, embed) for any authenticated principal; kManage and kAdmin
//     (pull, create, delete, copy, quantize, load, unload) admin only.
//   - System (kSystem): kRead (version, metrics, doctor, events) for any
//     authenticated principal; kCreateWorkspace for managers and admins;
//     kAdmin (users, audit) admin only.
//   - An API key acts as its owner, narrowed to its scopes: the actions it
//     was given (read, chat, write, admin; admin covers manage, and
//     kCreateWorkspace needs admin) and, when it names workspaces, only
//     those (it is then denied everything outside them, models included
//     unless it has no workspace list).
//
// The decision for a workspace-scoped resource the principal cannot see at
// all (not a member, or a key without that workspace) is NotFound, so that
// ids and names of other teams' things do not leak; for one it can see but
// not act on, PermissionDenied.
//
// Thread-safety: pure functions.
#ifndef HEARTH_AUTH_ACCESS_H_
#define HEARTH_AUTH_ACCESS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hearth {

enum class Role { kAdmin, kManager, kDefault };
std::string_view RoleName(Role role);  // "admin" | "manager" | "default"
std::optional<Role> ParseRole(std::string_view name);

enum class Action {
  kRead,             // see: list, get, search, export, job progress
  kChat,             // ask: chat, create threads, generate, embed
  kWrite,            // change content: upload, delete, pin documents
  kManage,           // change settings and members; delete a workspace; own keys/password
  kCreateWorkspace,  // on kSystem
  kAdmin,            // users, roles, audit, models' installation and memory
};
std::string_view ActionName(Action action);

enum class ResourceKind { kSystem, kModel, kWorkspace, kDocument, kThread, kJob, kUser, kApiKey };
std::string_view ResourceKindName(ResourceKind kind);

// What a request acts on, with what decides access to it.
struct Resource {
  ResourceKind kind = ResourceKind::kSystem;
  int64_t workspace_id = 0;          // the workspace it belongs to; 0: none
  int64_t owner_user_id = 0;         // thread, key, user: whose it is; 0: nobody's
  bool members_can_upload = false;   // the workspace's setting (for kWrite by default users)
};

// Who is asking.
struct Principal {
  enum class Kind { kAnonymous, kLocalOwner, kUser, kApiKey };
  Kind kind = Kind::kAnonymous;
  int64_t user_id = 0;
  std::string user_name;
  Role role = Role::kDefault;
  bool suspended = false;
  std::set<int64_t> member_workspaces;  // the user's memberships
  // API keys only:
  int64_t key_id = 0;
  std::set<Action> key_actions;                   // kRead, kChat, kWrite, kAdmin
  std::optional<std::set<int64_t>> key_workspaces;  // nullopt: every workspace of the owner
};

// OK, or Unauthenticated / NotFound / PermissionDenied with a message that
// names the action and the resource kind (never another user's data).
Status Authorize(const Principal& principal, Action action, const Resource& resource);

}  // namespace hearth

#endif  // HEARTH_AUTH_ACCESS_H_
