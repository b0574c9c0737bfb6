// AccountService: the people of a multi-user hearth — users, login
// sessions, API keys, workspace memberships — and the audit log of what
// changed them. It authenticates (a session token or an API key becomes a
// Principal, auth/access.h); it does not authorize: the routes call
// Authorize() before they call a mutating method here. `actor` arguments are
// only recorded in the audit log.
//
// Storage (store migration 6): users, sessions, api_keys, workspace_members,
// audit_events. Passwords are argon2id hashes (auth/password.h); session
// ids, CSRF tokens and API keys are stored as SHA-256 (auth/secret_token.h).
// Reads use this service's own connection; writes go through the WriteQueue.
//
// Revocation is immediate: changing a user's password, role or suspension
// deletes their sessions; suspending also makes their keys fail; every
// Authenticate* call reads the current rows, so the next request (and the
// next re-check of an open stream) sees the change.
//
// Multi-user mode is on when at least one user exists (MultiUser()).
//
// The last admin: deleting, demoting or suspending the only admin who is not
// suspended is refused (FailedPrecondition), so someone can always manage.
//
// Audit actions written here: user_created, role_changed, suspended,
// unsuspended, password_changed, user_deleted, login, login_failed (a name
// that is not a valid user name is recorded as "(not a user name)": it may
// be a password typed in the wrong box), key_created, key_revoked,
// member_added, member_removed; Record() adds others.
//
// Errors: InvalidArgument for a bad name (1-64 of [A-Za-z0-9._-], not
// starting with '.' or '-'), password (auth/password.h), role, scope or
// expiry; AlreadyExists for a taken name; NotFound for an unknown id or
// name; FailedPrecondition for removing or demoting the last admin;
// Unauthenticated for a wrong/expired/revoked credential or a suspended
// user (one message for all, so it does not tell which); ResourceExhausted
// from the login limiter.
//
// Thread-safety: thread-safe.
#ifndef HEARTH_APP_ACCOUNT_SERVICE_H_
#define HEARTH_APP_ACCOUNT_SERVICE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/access.h"
#include "auth/login_limiter.h"
#include "auth/password.h"
#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/database.h"
#include "store/write_queue.h"

namespace hearth {

struct AccountOptions {
  std::chrono::seconds session_lifetime{std::chrono::hours(24 * 7)};
  // A session unused this long expires before its lifetime ends.
  std::chrono::seconds session_idle{std::chrono::hours(24)};
  PasswordHashCost password_cost;  // Interactive() in tests
  LoginLimits login_limits;
};

struct UserInfo {
  int64_t id = 0;
  std::string name;
  Role role = Role::kDefault;
  bool suspended = false;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct SessionGrant {
  std::string session_token;  // the cookie's value; shown once
  std::string csrf_token;     // sent back in X-CSRF-Token on mutations
  int64_t expires_at_ms = 0;
  UserInfo user;
};

// An authenticated session: who, and the hash of its CSRF token (compare
// with SecretEquals(HashSecretToken(header), csrf_token_hash)).
struct SessionPrincipal {
  Principal principal;
  int64_t session_id = 0;
  std::string csrf_token_hash;
};

struct ApiKeyInfo {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string preview;  // "hearth_sk_abcd…": the first characters, to recognize it
  std::set<Action> actions;                         // kRead, kChat, kWrite, kAdmin
  std::optional<std::set<int64_t>> workspaces;      // nullopt: all of the owner's
  int64_t created_at_ms = 0;
  std::optional<int64_t> last_used_at_ms;
  std::optional<int64_t> expires_at_ms;
  bool revoked = false;
};

struct NewApiKey {
  ApiKeyInfo info;
  std::string secret;  // the whole key; shown once, never stored
};

struct AuditEvent {
  int64_t id = 0;
  int64_t at_ms = 0;
  int64_t actor_user_id = 0;  // 0: the command line or the system
  std::string actor_name;
  std::string action;         // "login", "login_failed", "user_created", "role_changed", ...
  std::string target;         // e.g. "user:3", "key:7", "workspace:2"
  std::string detail;         // never a password or secret
  std::string address;        // client address when from HTTP
};

class AccountService {
 public:
  // `reader` is this service's own connection; `writer` and `clock` must
  // outlive it.
  AccountService(std::unique_ptr<Database> reader, WriteQueue& writer, const Clock& clock,
                 AccountOptions options);

  StatusOr<bool> MultiUser();

  // Users. `actor` is who does it (for the audit log; a default Principal
  // with kind kLocalOwner for the command line).
  StatusOr<UserInfo> AddUser(const Principal& actor, std::string_view name,
                             std::string_view password, Role role);
  StatusOr<std::vector<UserInfo>> ListUsers();
  StatusOr<UserInfo> GetUser(int64_t id);
  StatusOr<UserInfo> GetUserByName(std::string_view name);
  Status SetRole(const Principal& actor, int64_t user_id, Role role);
  Status SetSuspended(const Principal& actor, int64_t user_id, bool suspended);
  Status SetPassword(const Principal& actor, int64_t user_id, std::string_view password);
  // Deletes the user's sessions, keys, memberships and threads.
  Status DeleteUser(const Principal& actor, int64_t user_id);

  // Sessions. Login checks the limiter first (ResourceExhausted without
  // looking at the password), then the password; an unknown name costs as
  // long as a wrong password. A session ends after session_lifetime, or
  // after session_idle without a request; last use is recorded at most once
  // a minute. Logout: NotFound when the session is gone.
  StatusOr<SessionGrant> Login(std::string_view name, std::string_view password,
                               std::string_view address);
  StatusOr<SessionPrincipal> AuthenticateSession(std::string_view session_token);
  // Whether `password` is the user's, as Login checks it (limiter, audit of
  // a failure) but without starting a session: changing one's own password
  // asks for the current one.
  Status CheckPassword(int64_t user_id, std::string_view password, std::string_view address);
  Status Logout(int64_t session_id);

  // API keys. `actions` must be non-empty and within {kRead, kChat, kWrite,
  // kAdmin}; `workspaces` (when given) non-empty.
  StatusOr<NewApiKey> CreateKey(const Principal& actor, int64_t user_id, std::string_view name,
                                std::set<Action> actions,
                                std::optional<std::set<int64_t>> workspaces,
                                std::optional<int64_t> expires_at_ms);
  StatusOr<std::vector<ApiKeyInfo>> ListKeys(std::optional<int64_t> user_id);
  StatusOr<ApiKeyInfo> GetKey(int64_t key_id);
  // Revoking a revoked key is OK and changes nothing. Errors: NotFound.
  Status RevokeKey(const Principal& actor, int64_t key_id);
  // The key's owner as a Principal narrowed to the key; records last use
  // (at most once a minute per key).
  StatusOr<Principal> AuthenticateKey(std::string_view secret);

  // The user's current Principal (re-checks of open streams): kind kUser;
  // `suspended` set for a suspended user (Authorize refuses it). NotFound
  // for a deleted user.
  StatusOr<Principal> PrincipalForUser(int64_t user_id);

  // Memberships. Adding a member twice is OK (one audit row). Errors:
  // NotFound for an unknown workspace or user, or (RemoveMember) a user who
  // is not a member.
  Status AddMember(const Principal& actor, int64_t workspace_id, int64_t user_id);
  Status RemoveMember(const Principal& actor, int64_t workspace_id, int64_t user_id);
  StatusOr<std::vector<UserInfo>> ListMembers(int64_t workspace_id);

  // Audit: newest first, at most `limit` (1..1000), before `before_id` when > 0.
  Status Record(const Principal& actor, std::string_view action, std::string_view target,
                std::string_view detail, std::string_view address);
  StatusOr<std::vector<AuditEvent>> ListAudit(int limit, int64_t before_id);

 private:
  // The user `name` when `password` is theirs and they are not suspended;
  // counts failures in the limiter and the audit log.
  StatusOr<UserInfo> CheckCredentials(std::string_view name, std::string_view password,
                                      std::string_view address);
  // Runs `work` on the writer and waits for its commit.
  Status Write(std::function<Status(Database&)> work);
  // The wall clock in unix milliseconds.
  int64_t NowMs() const;
  // The user as a kUser Principal (with memberships), read on `reader_`.
  StatusOr<Principal> LoadPrincipal(int64_t user_id) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Verifies `password` against a real hash when the user is unknown, so
  // that an unknown name takes as long as a wrong password.
  bool VerifyAgainstDummy(std::string_view password);
  // Creates the session of a login that succeeded (and its audit row).
  StatusOr<SessionGrant> StartSession(const UserInfo& user, std::string_view address);
  // Records a login_failed row and counts the failure; returns the one
  // Unauthenticated error of a failed login.
  Status LoginFailed(int64_t user_id, std::string_view name, std::string_view limiter_key,
                     std::string_view address);
  // Updates last_seen_at / last_used_at when older than a minute.
  void TouchSession(int64_t session_id, int64_t last_seen_ms, int64_t now_ms);
  void TouchKey(int64_t key_id, std::optional<int64_t> last_used_ms, int64_t now_ms);

  std::mutex mu_;
  std::unique_ptr<Database> reader_ GUARDED_BY(mu_);
  WriteQueue& writer_;
  const Clock& clock_;
  const AccountOptions options_;
  LoginLimiter limiter_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // written once under dummy_once_
};

}  // namespace hearth

#endif  // HEARTH_APP_ACCOUNT_SERVICE_H_
