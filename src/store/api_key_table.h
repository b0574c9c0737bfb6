// ApiKeyTable: typed access to the api_keys table.
//
// An API key acts as its owner narrowed to its scopes. Only the SHA-256 of
// the secret is stored (token_hash) with a short preview to recognize it by;
// the secret itself is shown once by app/ and never reaches the database.
// Actions are stored as a comma list of names ("read,chat"; app/ converts
// them to auth's Action); the workspace scope as NULL (every workspace of
// the owner) or a comma list of workspace ids ("3,7"). Workspace ids are
// not foreign keys: a scope naming a deleted workspace simply grants
// nothing there (workspace ids are never reused).
//
// Deleting a user deletes their keys (foreign key). Revoking keeps the row
// (with revoked_at) so the key list and the audit log can still name it.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   ApiKeyTable keys(db);
//   ASSIGN_OR_RETURN(int64_t id, keys.Create({.user_id = 3, .name = "ci", .token_hash = h,
//                                             .preview = "hearth_sk_Ab3d", .actions = "read",
//                                             .created_at_ms = now}));
//   ASSIGN_OR_RETURN(ApiKeyRow row, keys.GetByTokenHash(h));
#ifndef HEARTH_STORE_API_KEY_TABLE_H_
#define HEARTH_STORE_API_KEY_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// The longest key name, in bytes of UTF-8.
inline constexpr size_t kMaxApiKeyNameBytes = 200;

struct ApiKeyRow {
  int64_t id = 0;            // ignored by Create
  int64_t user_id = 0;       // the owner
  std::string name;          // 1..200 bytes of UTF-8, chosen by the owner
  std::string token_hash;    // lowercase hex SHA-256 of the secret
  std::string preview;       // the secret's first characters
  std::string actions;       // comma list of action names, e.g. "read,chat"; not empty
  std::optional<std::vector<int64_t>> workspaces;  // nullopt: every workspace of the owner
  int64_t created_at_ms = 0;                       // unix milliseconds
  std::optional<int64_t> last_used_at_ms;          // ignored by Create
  std::optional<int64_t> expires_at_ms;            // nullopt: never
  std::optional<int64_t> revoked_at_ms;            // ignored by Create
};

class ApiKeyTable {
 public:
  explicit ApiKeyTable(Database& db) : db_(db) {}

  // Adds a key and returns its id.
  // Errors: InvalidArgument for an empty or bad name, hash, preview or
  // action list, or an empty workspace list; NotFound when the user does not
  // exist; AlreadyExists when the token hash is taken. Nothing is written on
  // error.
  StatusOr<int64_t> Create(const ApiKeyRow& row);

  // Errors: NotFound.
  StatusOr<ApiKeyRow> Get(int64_t id);
  // Errors: NotFound (the message does not repeat the hash).
  StatusOr<ApiKeyRow> GetByTokenHash(std::string_view token_hash);

  // All keys (revoked ones too), by id.
  StatusOr<std::vector<ApiKeyRow>> List();
  // The user's keys, by id.
  StatusOr<std::vector<ApiKeyRow>> ListByUser(int64_t user_id);

  // Sets revoked_at when the key is not revoked yet; returns true when it
  // did, false when the key was already revoked. Errors: NotFound.
  StatusOr<bool> Revoke(int64_t id, int64_t now_ms);

  // Sets last_used_at. Errors: NotFound.
  Status SetLastUsed(int64_t id, int64_t now_ms);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_API_KEY_TABLE_H_
