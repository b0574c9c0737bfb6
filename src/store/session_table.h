// SessionTable: typed access to the sessions table (login sessions).
//
// A session is created at login and named by a random token the browser
// keeps in a cookie; only the token's hash (and the hash of its CSRF token)
// is stored, so a copy of the database signs no one in. Expiry is decided by
// the caller from the row's times (unix milliseconds, given by the caller).
//
// Deleting a user deletes their sessions (foreign key).
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   SessionTable sessions(db);
//   ASSIGN_OR_RETURN(int64_t id, sessions.Create({.user_id = 3, .token_hash = h,
//                                                 .csrf_hash = c, .created_at_ms = now,
//                                                 .last_seen_at_ms = now,
//                                                 .expires_at_ms = now + week}));
//   ASSIGN_OR_RETURN(SessionRow row, sessions.GetByTokenHash(h));
#ifndef HEARTH_STORE_SESSION_TABLE_H_
#define HEARTH_STORE_SESSION_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

struct SessionRow {
  int64_t id = 0;               // ignored by Create
  int64_t user_id = 0;
  std::string token_hash;       // lowercase hex SHA-256 of the cookie's token
  std::string csrf_hash;        // the same of the CSRF token
  int64_t created_at_ms = 0;    // unix milliseconds
  int64_t last_seen_at_ms = 0;  // last request (updated at most about once a minute)
  int64_t expires_at_ms = 0;    // the end of its lifetime
};

class SessionTable {
 public:
  explicit SessionTable(Database& db) : db_(db) {}

  // Adds a session and returns its id.
  // Errors: InvalidArgument for an empty or over-long hash; NotFound when
  // the user does not exist; AlreadyExists when the token hash is taken.
  StatusOr<int64_t> Create(const SessionRow& row);

  // Errors: NotFound (the message does not repeat the hash).
  StatusOr<SessionRow> GetByTokenHash(std::string_view token_hash);

  // Sets last_seen_at. Errors: NotFound.
  Status Touch(int64_t id, int64_t now_ms);

  // Errors: NotFound.
  Status Delete(int64_t id);

  // Deletes every session of `user_id`; returns how many.
  StatusOr<int64_t> DeleteByUser(int64_t user_id);

  // Deletes the sessions whose lifetime ended by `now_ms` (expires_at <=
  // now_ms) or last seen at or before `idle_before_ms`; returns how many.
  StatusOr<int64_t> DeleteExpired(int64_t now_ms, int64_t idle_before_ms);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_SESSION_TABLE_H_
