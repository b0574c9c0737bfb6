// MembershipTable: typed access to the workspace_members table.
//
// A membership lets a user (of role manager or default) see and act in a
// workspace, as auth/access.h decides. Deleting a workspace or a user
// deletes their memberships (foreign keys).
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   MembershipTable members(db);
//   ASSIGN_OR_RETURN(bool added, members.Add(workspace_id, user_id));
//   ASSIGN_OR_RETURN(std::vector<int64_t> mine, members.ListWorkspacesOf(user_id));
#ifndef HEARTH_STORE_MEMBERSHIP_TABLE_H_
#define HEARTH_STORE_MEMBERSHIP_TABLE_H_

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

class MembershipTable {
 public:
  explicit MembershipTable(Database& db) : db_(db) {}

  // Makes `user_id` a member of `workspace_id`; true when it was not one
  // already (adding twice is not an error). Errors: NotFound when the
  // workspace or the user does not exist; nothing is written then.
  StatusOr<bool> Add(int64_t workspace_id, int64_t user_id);

  // Errors: NotFound when the user is not a member.
  Status Remove(int64_t workspace_id, int64_t user_id);

  StatusOr<bool> IsMember(int64_t workspace_id, int64_t user_id);

  // The workspaces the user is a member of, ascending.
  StatusOr<std::vector<int64_t>> ListWorkspacesOf(int64_t user_id);
  // The workspace's members' user ids, ascending.
  StatusOr<std::vector<int64_t>> ListMembersOf(int64_t workspace_id);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_MEMBERSHIP_TABLE_H_
