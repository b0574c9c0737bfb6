#include "store/membership_table.h"

#include <string>

#include "base/status_macros.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

StatusOr<std::vector<int64_t>> ReadIds(Statement& stmt) {
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return ids;
    ids.push_back(stmt.ColumnInt(0));
  }
}

}  // namespace

StatusOr<bool> MembershipTable::Add(int64_t workspace_id, int64_t user_id) {
  // OR IGNORE skips the duplicate key only; a missing workspace or user
  // still fails its foreign key.
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("INSERT OR IGNORE INTO workspace_members "
                                               "(workspace_id, user_id) VALUES (?1, ?2)"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, user_id));
  Status inserted = stmt.Run();
  if (inserted.code() == StatusCode::kNotFound) {
    return NotFoundError(internal::RowName("workspace", workspace_id) + " or " +
                         internal::RowName("user", user_id) + " does not exist");
  }
  RETURN_IF_ERROR(inserted);
  return db_.ChangedRows() > 0;
}

Status MembershipTable::Remove(int64_t workspace_id, int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("DELETE FROM workspace_members "
                                               "WHERE workspace_id = ?1 AND user_id = ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, user_id));
  RETURN_IF_ERROR(stmt.Run());
  if (db_.ChangedRows() > 0) return OkStatus();
  return NotFoundError(internal::RowName("user", user_id) + " is not a member of " +
                       internal::RowName("workspace", workspace_id));
}

StatusOr<bool> MembershipTable::IsMember(int64_t workspace_id, int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT 1 FROM workspace_members "
                                               "WHERE workspace_id = ?1 AND user_id = ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  RETURN_IF_ERROR(stmt.Bind(2, user_id));
  return stmt.Step();
}

StatusOr<std::vector<int64_t>> MembershipTable::ListWorkspacesOf(int64_t user_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT workspace_id FROM workspace_members "
                                               "WHERE user_id = ?1 ORDER BY workspace_id"));
  RETURN_IF_ERROR(stmt.Bind(1, user_id));
  return ReadIds(stmt);
}

StatusOr<std::vector<int64_t>> MembershipTable::ListMembersOf(int64_t workspace_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT user_id FROM workspace_members "
                                               "WHERE workspace_id = ?1 ORDER BY user_id"));
  RETURN_IF_ERROR(stmt.Bind(1, workspace_id));
  return ReadIds(stmt);
}

}  // namespace hearth
