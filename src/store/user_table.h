// UserTable: typed access to the users table (multi-user mode).
//
// A user signs in by name and password. Names are unique ignoring ASCII case
// ("Ann" and "ann" are one user). The role is stored as text ("admin",
// "manager" or "default"; app/ converts it to auth's Role) and the password
// only as the hash the caller computed: this table never sees a password.
// Times are given by the caller (unix milliseconds), so a fake clock can
// drive expiry in tests.
//
// Deleting a user deletes their sessions, API keys and memberships
// (foreign keys); their threads are deleted by ThreadTable::DeleteByUser.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   UserTable users(db);
//   ASSIGN_OR_RETURN(int64_t id, users.Create("ann", hash, "admin", now_ms));
//   ASSIGN_OR_RETURN(UserRow row, users.GetByName("ANN"));  // finds ann
#ifndef HEARTH_STORE_USER_TABLE_H_
#define HEARTH_STORE_USER_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// The longest user name and password hash, in bytes.
inline constexpr size_t kMaxUserNameBytes = 64;
inline constexpr size_t kMaxPasswordHashBytes = 512;

struct UserRow {
  int64_t id = 0;
  std::string name;           // as first written (lookups ignore case)
  std::string password_hash;  // encoded argon2id
  std::string role;           // "admin", "manager" or "default"
  bool suspended = false;
  int64_t created_at_ms = 0;  // unix milliseconds
  int64_t updated_at_ms = 0;  // last role, suspension or password change
};

class UserTable {
 public:
  explicit UserTable(Database& db) : db_(db) {}

  // Adds a user and returns its id.
  // Errors: InvalidArgument for an empty or bad name (NUL, not UTF-8, over
  // 64 bytes), an empty or over-long hash, or a role the schema refuses;
  // AlreadyExists when the name is taken (ignoring case). Nothing is written
  // on error.
  StatusOr<int64_t> Create(std::string_view name, std::string_view password_hash,
                           std::string_view role, int64_t now_ms);

  // Errors: NotFound.
  StatusOr<UserRow> Get(int64_t id);
  // Matches ignoring ASCII case. Errors: NotFound naming the name.
  StatusOr<UserRow> GetByName(std::string_view name);

  // All users, by id.
  StatusOr<std::vector<UserRow>> List();

  // How many users exist.
  StatusOr<int64_t> Count();
  // How many users have `role` and are not suspended.
  StatusOr<int64_t> CountActiveWithRole(std::string_view role);

  // Setters; each sets updated_at to `now_ms`.
  // Errors: NotFound; InvalidArgument for a role or hash the table refuses.
  Status SetRole(int64_t id, std::string_view role, int64_t now_ms);
  Status SetSuspended(int64_t id, bool suspended, int64_t now_ms);
  Status SetPasswordHash(int64_t id, std::string_view password_hash, int64_t now_ms);

  // Deletes the user with their sessions, API keys and memberships.
  // Errors: NotFound.
  Status Delete(int64_t id);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_USER_TABLE_H_
