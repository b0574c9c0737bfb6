// AuditTable: typed access to the audit_events table, an append-only log of
// who signed in and who changed users, keys and memberships.
//
// Rows are never updated; they name users by id and by the name they had,
// and outlive them. The caller must never put a password or a secret in any
// field (app/account_service.cc writes them).
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   AuditTable audit(db);
//   RETURN_IF_ERROR(audit.Append({.at_ms = now, .actor_user_id = 1, .actor_name = "ann",
//                                 .action = "user_created", .target = "user:2"}).status());
//   ASSIGN_OR_RETURN(std::vector<AuditRow> newest, audit.List(50, 0));
#ifndef HEARTH_STORE_AUDIT_TABLE_H_
#define HEARTH_STORE_AUDIT_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// The most rows one List call returns.
inline constexpr int kMaxAuditPage = 1000;

struct AuditRow {
  int64_t id = 0;             // ignored by Append
  int64_t at_ms = 0;          // unix milliseconds
  int64_t actor_user_id = 0;  // 0: the command line or the system
  std::string actor_name;     // 0..200 bytes of UTF-8
  std::string action;         // 1..64 bytes, e.g. "login"
  std::string target;         // 0..200 bytes, e.g. "user:3"
  std::string detail;         // 0..4096 bytes
  std::string address;        // 0..200 bytes
};

class AuditTable {
 public:
  explicit AuditTable(Database& db) : db_(db) {}

  // Appends a row and returns its id.
  // Errors: InvalidArgument for an empty action or a field that is too long,
  // holds a NUL byte or is not UTF-8.
  StatusOr<int64_t> Append(const AuditRow& row);

  // Newest first (by id): at most `limit` rows (1..1000), only those with
  // id < `before_id` when before_id > 0. Errors: InvalidArgument for a limit
  // out of range.
  StatusOr<std::vector<AuditRow>> List(int limit, int64_t before_id);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_AUDIT_TABLE_H_
