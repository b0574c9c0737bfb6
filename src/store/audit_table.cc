#include "store/audit_table.h"

#include "base/status_macros.h"
#include "store/row_checks.h"

namespace hearth {
namespace {

constexpr size_t kMaxShortBytes = 200;
constexpr size_t kMaxActionBytes = 64;
constexpr size_t kMaxDetailBytes = 4096;

Status Validate(const AuditRow& row) {
  if (row.action.empty()) return InvalidArgumentError("audit action is empty");
  RETURN_IF_ERROR(internal::CheckText("audit action", row.action, kMaxActionBytes));
  RETURN_IF_ERROR(internal::CheckText("audit actor name", row.actor_name, kMaxShortBytes));
  RETURN_IF_ERROR(internal::CheckText("audit target", row.target, kMaxShortBytes));
  RETURN_IF_ERROR(internal::CheckText("audit detail", row.detail, kMaxDetailBytes));
  return internal::CheckText("audit address", row.address, kMaxShortBytes);
}

AuditRow ReadRow(const Statement& stmt) {
  return {.id = stmt.ColumnInt(0),
          .at_ms = stmt.ColumnInt(1),
          .actor_user_id = stmt.ColumnInt(2),
          .actor_name = stmt.ColumnText(3),
          .action = stmt.ColumnText(4),
          .target = stmt.ColumnText(5),
          .detail = stmt.ColumnText(6),
          .address = stmt.ColumnText(7)};
}

}  // namespace

StatusOr<int64_t> AuditTable::Append(const AuditRow& row) {
  RETURN_IF_ERROR(Validate(row));
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("INSERT INTO audit_events (at, actor_user_id, actor_name, action, "
                               "target, detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  RETURN_IF_ERROR(stmt.Bind(1, row.at_ms));
  RETURN_IF_ERROR(stmt.Bind(2, row.actor_user_id));
  RETURN_IF_ERROR(stmt.Bind(3, row.actor_name));
  RETURN_IF_ERROR(stmt.Bind(4, row.action));
  RETURN_IF_ERROR(stmt.Bind(5, row.target));
  RETURN_IF_ERROR(stmt.Bind(6, row.detail));
  RETURN_IF_ERROR(stmt.Bind(7, row.address));
  RETURN_IF_ERROR(stmt.Run());
  return db_.LastInsertRowId();
}

StatusOr<std::vector<AuditRow>> AuditTable::List(int limit, int64_t before_id) {
  if (limit < 1 || limit > kMaxAuditPage) {
    return InvalidArgumentError("audit page size " + std::to_string(limit) +
                                " is outside 1..1000");
  }
  ASSIGN_OR_RETURN(Statement stmt,
                   db_.Prepare("SELECT id, at, actor_user_id, actor_name, action, target, "
                               "detail, address FROM audit_events "
                               "WHERE ?1 <= 0 OR id < ?1 ORDER BY id DESC LIMIT ?2"));
  RETURN_IF_ERROR(stmt.Bind(1, before_id));
  RETURN_IF_ERROR(stmt.Bind(2, int64_t{limit}));
  std::vector<AuditRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return rows;
    rows.push_back(ReadRow(stmt));
  }
}

}  // namespace hearth
