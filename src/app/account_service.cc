#include "app/account_service.h"

#include <array>
#include <utility>

#include "auth/secret_token.h"
#include "base/status_macros.h"
#include "store/api_key_table.h"
#include "store/audit_table.h"
#include "store/membership_table.h"
#include "store/session_table.h"
#include "store/thread_table.h"
#include "store/user_table.h"

namespace hearth {
namespace {

// One message per credential kind, whatever was wrong with it.
constexpr std::string_view kBadLogin = "wrong user name or password";
constexpr std::string_view kBadSession = "not signed in, or the session ended; sign in again";
constexpr std::string_view kBadKey =
    "the API key is not valid (unknown, expired or revoked); use a current key";

// last_seen_at and last_used_at are written at most this often.
constexpr int64_t kTouchIntervalMs = 60 * 1000;
constexpr size_t kKeyPreviewChars = 4;  // after the prefix

// The names stored in the database. They are a file format: never rename.
constexpr std::array<std::pair<Role, std::string_view>, 3> kStoredRoles = {
    {{Role::kAdmin, "admin"}, {Role::kManager, "manager"}, {Role::kDefault, "default"}}};
constexpr std::array<std::pair<Action, std::string_view>, 4> kKeyActions = {
    {{Action::kRead, "read"}, {Action::kChat, "chat"}, {Action::kWrite, "write"},
     {Action::kAdmin, "admin"}}};

std::string_view StoredRole(Role role) {
  for (const auto& [known, name] : kStoredRoles) {
    if (known == role) return name;
  }
  return "default";
}

// An unknown stored role (only possible by hand-editing) gets the least.
Role ParseStoredRole(std::string_view name) {
  for (const auto& [role, known] : kStoredRoles) {
    if (known == name) return role;
  }
  return Role::kDefault;
}

std::string FormatActions(const std::set<Action>& actions) {
  std::string text;
  for (const auto& [action, name] : kKeyActions) {
    if (!actions.contains(action)) continue;
    if (!text.empty()) text += ',';
    text += name;
  }
  return text;
}

std::set<Action> ParseActions(std::string_view text) {
  std::set<Action> actions;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    for (const auto& [action, name] : kKeyActions) {
      if (name == text.substr(0, comma)) actions.insert(action);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return actions;
}

bool IsKeyAction(Action action) {
  for (const auto& [known, name] : kKeyActions) {
    if (known == action) return true;
  }
  return false;
}

bool IsNameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

bool IsValidUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameBytes) return false;
  if (name.front() == '.' || name.front() == '-') return false;
  for (char c : name) {
    if (!IsNameCharacter(c)) return false;
  }
  return true;
}

Status ValidateUserName(std::string_view name) {
  if (IsValidUserName(name)) return OkStatus();
  return InvalidArgumentError(
      "a user name must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', not "
      "starting with '.' or '-'");
}

// The limiter counts names as the database compares them (ASCII case
// folded), cut to a length no user name exceeds so junk cannot grow it.
std::string LimiterKey(std::string_view name) {
  std::string key(name.substr(0, kMaxUserNameBytes + 1));
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

Status ValidateKeyScope(const std::set<Action>& actions,
                        const std::optional<std::set<int64_t>>& workspaces) {
  if (actions.empty()) {
    return InvalidArgumentError("an API key needs at least one action: read, chat, write or admin");
  }
  for (Action action : actions) {
    if (!IsKeyAction(action)) {
      return InvalidArgumentError("an API key can hold read, chat, write and admin, not '" +
                                  std::string(ActionName(action)) + "'");
    }
  }
  if (!workspaces.has_value()) return OkStatus();
  if (workspaces->empty()) {
    return InvalidArgumentError(
        "an API key's workspace list is empty; omit it to allow all of the owner's workspaces");
  }
  if (*workspaces->begin() <= 0) {  // the set is ordered: the least id first
    return InvalidArgumentError(std::to_string(*workspaces->begin()) + " is not a workspace id");
  }
  return OkStatus();
}

UserInfo ToUserInfo(const UserRow& row) {
  return {.id = row.id,
          .name = row.name,
          .role = ParseStoredRole(row.role),
          .suspended = row.suspended,
          .created_at_ms = row.created_at_ms,
          .updated_at_ms = row.updated_at_ms};
}

ApiKeyInfo ToKeyInfo(const ApiKeyRow& row) {
  ApiKeyInfo info{.id = row.id,
                  .user_id = row.user_id,
                  .name = row.name,
                  .preview = row.preview,
                  .actions = ParseActions(row.actions),
                  .created_at_ms = row.created_at_ms,
                  .last_used_at_ms = row.last_used_at_ms,
                  .expires_at_ms = row.expires_at_ms,
                  .revoked = row.revoked_at_ms.has_value()};
  if (row.workspaces.has_value()) {
    info.workspaces = std::set<int64_t>(row.workspaces->begin(), row.workspaces->end());
  }
  return info;
}

AuditEvent ToAuditEvent(const AuditRow& row) {
  return {.id = row.id,
          .at_ms = row.at_ms,
          .actor_user_id = row.actor_user_id,
          .actor_name = row.actor_name,
          .action = row.action,
          .target = row.target,
          .detail = row.detail,
          .address = row.address};
}

std::string ActorName(const Principal& actor) {
  if (!actor.user_name.empty()) return actor.user_name;
  switch (actor.kind) {
    case Principal::Kind::kLocalOwner:
      return "local owner";
    case Principal::Kind::kAnonymous:
      return "anonymous";
    default:
      return "user " + std::to_string(actor.user_id);
  }
}

int64_t Millis(std::chrono::seconds duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

std::string Target(std::string_view kind, int64_t id) {
  return std::string(kind) + ":" + std::to_string(id);
}

Status AppendAudit(Database& db, const Principal& actor, int64_t now_ms, std::string_view action,
                   std::string target, std::string detail, std::string_view address = {}) {
  return AuditTable(db)
      .Append({.at_ms = now_ms,
               .actor_user_id = actor.user_id,
               .actor_name = ActorName(actor),
               .action = std::string(action),
               .target = std::move(target),
               .detail = std::move(detail),
               .address = std::string(address)})
      .status();
}

// FailedPrecondition unless another active admin remains besides `row`
// (which the caller is about to delete, demote or suspend).
Status KeepAnAdmin(UserTable& users, const UserRow& row, std::string_view verb) {
  if (row.role != StoredRole(Role::kAdmin) || row.suspended) return OkStatus();
  ASSIGN_OR_RETURN(const int64_t admins, users.CountActiveWithRole(StoredRole(Role::kAdmin)));
  if (admins > 1) return OkStatus();
  return FailedPreconditionError("cannot " + std::string(verb) + " '" + row.name +
                                 "': they are the last admin; make another user admin first");
}

// A credential whose row (or whose user) is gone is simply not valid; other
// errors (a busy or broken database) pass through.
Status Unauthenticated(const Status& lookup, std::string_view message) {
  return lookup.code() == StatusCode::kNotFound ? UnauthenticatedError(message) : lookup;
}

}  // namespace

AccountService::AccountService(std::unique_ptr<Database> reader, WriteQueue& writer,
                               const Clock& clock, AccountOptions options)
    : reader_(std::move(reader)),
      writer_(writer),
      clock_(clock),
      options_(std::move(options)),
      limiter_(options_.login_limits, clock) {}

Status AccountService::Write(std::function<Status(Database&)> work) {
  return writer_.Submit(std::move(work)).get();
}

int64_t AccountService::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             clock_.WallNow().time_since_epoch())
      .count();
}

StatusOr<bool> AccountService::MultiUser() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const int64_t users, UserTable(*reader_).Count());
  return users > 0;
}

// ---- Users -----------------------------------------------------------------

StatusOr<UserInfo> AccountService::AddUser(const Principal& actor, std::string_view name,
                                           std::string_view password, Role role) {
  RETURN_IF_ERROR(ValidateUserName(name));
  // Hashed here, not on the writer thread: it takes a good part of a second.
  ASSIGN_OR_RETURN(const std::string hash, HashPassword(password, options_.password_cost));
  const int64_t now = NowMs();
  int64_t id = 0;
  RETURN_IF_ERROR(Write([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(id, UserTable(db).Create(name, hash, StoredRole(role), now));
    return AppendAudit(db, actor, now, "user_created", Target("user", id),
                       "name=" + std::string(name) + " role=" + std::string(StoredRole(role)));
  }));
  return GetUser(id);
}

StatusOr<std::vector<UserInfo>> AccountService::ListUsers() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const std::vector<UserRow> rows, UserTable(*reader_).List());
  std::vector<UserInfo> users;
  for (const UserRow& row : rows) users.push_back(ToUserInfo(row));
  return users;
}

StatusOr<UserInfo> AccountService::GetUser(int64_t id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const UserRow row, UserTable(*reader_).Get(id));
  return ToUserInfo(row);
}

StatusOr<UserInfo> AccountService::GetUserByName(std::string_view name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const UserRow row, UserTable(*reader_).GetByName(name));
  return ToUserInfo(row);
}

Status AccountService::SetRole(const Principal& actor, int64_t user_id, Role role) {
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    UserTable users(db);
    ASSIGN_OR_RETURN(const UserRow row, users.Get(user_id));
    if (role != Role::kAdmin) RETURN_IF_ERROR(KeepAnAdmin(users, row, "demote"));
    RETURN_IF_ERROR(users.SetRole(user_id, StoredRole(role), now));
    RETURN_IF_ERROR(SessionTable(db).DeleteByUser(user_id).status());
    return AppendAudit(db, actor, now, "role_changed", Target("user", user_id),
                       "from " + row.role + " to " + std::string(StoredRole(role)));
  });
}

Status AccountService::SetSuspended(const Principal& actor, int64_t user_id, bool suspended) {
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    UserTable users(db);
    ASSIGN_OR_RETURN(const UserRow row, users.Get(user_id));
    if (suspended) RETURN_IF_ERROR(KeepAnAdmin(users, row, "suspend"));
    RETURN_IF_ERROR(users.SetSuspended(user_id, suspended, now));
    RETURN_IF_ERROR(SessionTable(db).DeleteByUser(user_id).status());
    return AppendAudit(db, actor, now, suspended ? "suspended" : "unsuspended",
                       Target("user", user_id), "name=" + row.name);
  });
}

Status AccountService::SetPassword(const Principal& actor, int64_t user_id,
                                   std::string_view password) {
  RETURN_IF_ERROR(GetUser(user_id).status());  // NotFound before the slow hash
  ASSIGN_OR_RETURN(const std::string hash, HashPassword(password, options_.password_cost));
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    RETURN_IF_ERROR(UserTable(db).SetPasswordHash(user_id, hash, now));
    RETURN_IF_ERROR(SessionTable(db).DeleteByUser(user_id).status());
    return AppendAudit(db, actor, now, "password_changed", Target("user", user_id), "");
  });
}

Status AccountService::DeleteUser(const Principal& actor, int64_t user_id) {
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    UserTable users(db);
    ASSIGN_OR_RETURN(const UserRow row, users.Get(user_id));
    RETURN_IF_ERROR(KeepAnAdmin(users, row, "delete"));
    ASSIGN_OR_RETURN(const int64_t threads, ThreadTable(db).DeleteByUser(user_id));
    // Sessions, keys and memberships go by their foreign keys.
    RETURN_IF_ERROR(users.Delete(user_id));
    return AppendAudit(db, actor, now, "user_deleted", Target("user", user_id),
                       "name=" + row.name + " threads=" + std::to_string(threads));
  });
}

// ---- Sessions --------------------------------------------------------------

bool AccountService::VerifyAgainstDummy(std::string_view password) {
  std::call_once(dummy_once_, [this] {
    StatusOr<std::string> hash = HashPassword("not-a-password-of-anyone", options_.password_cost);
    if (hash.ok()) dummy_hash_ = *hash;
  });
  VerifyPassword(dummy_hash_, password);
  return false;
}

Status AccountService::LoginFailed(int64_t user_id, std::string_view name,
                                   std::string_view limiter_key, std::string_view address) {
  limiter_.RecordFailure(limiter_key, address);
  Principal who;
  who.user_id = user_id;
  // A name that cannot be a user's may be a password typed in the wrong box.
  who.user_name = IsValidUserName(name) ? std::string(name) : "(not a user name)";
  const std::string target = user_id > 0 ? Target("user", user_id) : "";
  RETURN_IF_ERROR(Write([&](Database& db) {
    return AppendAudit(db, who, NowMs(), "login_failed", target, "", address);
  }));
  return UnauthenticatedError(kBadLogin);
}

StatusOr<SessionGrant> AccountService::Login(std::string_view name, std::string_view password,
                                             std::string_view address) {
  ASSIGN_OR_RETURN(UserInfo user, CheckCredentials(name, password, address));
  return StartSession(user, address);
}

Status AccountService::CheckPassword(int64_t user_id, std::string_view password,
                                     std::string_view address) {
  ASSIGN_OR_RETURN(UserInfo user, GetUser(user_id));
  return CheckCredentials(user.name, password, address).status();
}

StatusOr<UserInfo> AccountService::CheckCredentials(std::string_view name,
                                                    std::string_view password,
                                                    std::string_view address) {
  const std::string limiter_key = LimiterKey(name);
  RETURN_IF_ERROR(limiter_.Check(limiter_key, address));
  std::optional<UserRow> user;
  {
    std::lock_guard lock(mu_);
    StatusOr<UserRow> row = UserTable(*reader_).GetByName(name);
    if (!row.ok() && row.status().code() != StatusCode::kNotFound) return row.status();
    if (row.ok()) user = std::move(*row);
  }
  // Outside the lock: verifying takes a good part of a second.
  const bool verified = user.has_value() ? VerifyPassword(user->password_hash, password)
                                         : VerifyAgainstDummy(password);
  if (!verified || user->suspended) {
    return LoginFailed(user.has_value() ? user->id : 0, name, limiter_key, address);
  }
  limiter_.RecordSuccess(limiter_key);
  return ToUserInfo(*user);
}

StatusOr<SessionGrant> AccountService::StartSession(const UserInfo& user,
                                                    std::string_view address) {
  const int64_t now = NowMs();
  SessionGrant grant{.session_token = NewSecretToken(),
                     .csrf_token = NewSecretToken(),
                     .expires_at_ms = now + Millis(options_.session_lifetime),
                     .user = user};
  Principal who;
  who.kind = Principal::Kind::kUser;
  who.user_id = user.id;
  who.user_name = user.name;
  RETURN_IF_ERROR(Write([&](Database& db) -> Status {
    SessionTable sessions(db);
    // Sessions never presented again would stay forever: logins sweep them.
    RETURN_IF_ERROR(
        sessions.DeleteExpired(now, now - Millis(options_.session_idle)).status());
    ASSIGN_OR_RETURN(const int64_t session_id,
                     sessions.Create({.user_id = user.id,
                                      .token_hash = HashSecretToken(grant.session_token),
                                      .csrf_hash = HashSecretToken(grant.csrf_token),
                                      .created_at_ms = now,
                                      .last_seen_at_ms = now,
                                      .expires_at_ms = grant.expires_at_ms}));
    return AppendAudit(db, who, now, "login", Target("session", session_id), "", address);
  }));
  return grant;
}

StatusOr<SessionPrincipal> AccountService::AuthenticateSession(std::string_view session_token) {
  if (session_token.empty()) return UnauthenticatedError(kBadSession);
  const int64_t now = NowMs();
  SessionRow session;
  SessionPrincipal result;
  {
    std::lock_guard lock(mu_);
    StatusOr<SessionRow> row =
        SessionTable(*reader_).GetByTokenHash(HashSecretToken(session_token));
    if (!row.ok()) return Unauthenticated(row.status(), kBadSession);
    session = std::move(*row);
    StatusOr<Principal> principal = LoadPrincipal(session.user_id);
    if (!principal.ok()) return Unauthenticated(principal.status(), kBadSession);
    result.principal = std::move(*principal);
  }
  if (now >= session.expires_at_ms ||
      now - session.last_seen_at_ms >= Millis(options_.session_idle)) {
    (void)Logout(session.id);  // best effort: the row is refused either way
    return UnauthenticatedError(kBadSession);
  }
  if (result.principal.suspended) return UnauthenticatedError(kBadSession);
  TouchSession(session.id, session.last_seen_at_ms, now);
  result.session_id = session.id;
  result.csrf_token_hash = session.csrf_hash;
  return result;
}

void AccountService::TouchSession(int64_t session_id, int64_t last_seen_ms, int64_t now_ms) {
  if (now_ms - last_seen_ms < kTouchIntervalMs) return;
  // Best effort: a session deleted meanwhile, or a busy disk, must not fail
  // the request that merely used it.
  (void)Write([&](Database& db) { return SessionTable(db).Touch(session_id, now_ms); });
}

Status AccountService::Logout(int64_t session_id) {
  return Write([&](Database& db) { return SessionTable(db).Delete(session_id); });
}

// ---- API keys --------------------------------------------------------------

StatusOr<NewApiKey> AccountService::CreateKey(const Principal& actor, int64_t user_id,
                                              std::string_view name, std::set<Action> actions,
                                              std::optional<std::set<int64_t>> workspaces,
                                              std::optional<int64_t> expires_at_ms) {
  RETURN_IF_ERROR(ValidateKeyScope(actions, workspaces));
  const int64_t now = NowMs();
  if (expires_at_ms.has_value() && *expires_at_ms <= now) {
    return InvalidArgumentError("an API key's expiry must be in the future");
  }
  NewApiKey key;
  key.secret = NewSecretToken(kApiKeyPrefix);
  ApiKeyRow row{.user_id = user_id,
                .name = std::string(name),
                .token_hash = HashSecretToken(key.secret),
                .preview = key.secret.substr(0, kApiKeyPrefix.size() + kKeyPreviewChars),
                .actions = FormatActions(actions),
                .created_at_ms = now,
                .expires_at_ms = expires_at_ms};
  if (workspaces.has_value()) row.workspaces.emplace(workspaces->begin(), workspaces->end());
  int64_t id = 0;
  RETURN_IF_ERROR(Write([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(id, ApiKeyTable(db).Create(row));
    std::string detail = "owner=" + Target("user", user_id) + " name=" + row.name +
                         " actions=" + row.actions;
    return AppendAudit(db, actor, now, "key_created", Target("key", id), std::move(detail));
  }));
  ASSIGN_OR_RETURN(key.info, GetKey(id));
  return key;
}

StatusOr<std::vector<ApiKeyInfo>> AccountService::ListKeys(std::optional<int64_t> user_id) {
  std::lock_guard lock(mu_);
  ApiKeyTable table(*reader_);
  ASSIGN_OR_RETURN(const std::vector<ApiKeyRow> rows,
                   user_id.has_value() ? table.ListByUser(*user_id) : table.List());
  std::vector<ApiKeyInfo> keys;
  for (const ApiKeyRow& row : rows) keys.push_back(ToKeyInfo(row));
  return keys;
}

StatusOr<ApiKeyInfo> AccountService::GetKey(int64_t key_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const ApiKeyRow row, ApiKeyTable(*reader_).Get(key_id));
  return ToKeyInfo(row);
}

Status AccountService::RevokeKey(const Principal& actor, int64_t key_id) {
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(const bool revoked, ApiKeyTable(db).Revoke(key_id, now));
    if (!revoked) return OkStatus();  // already revoked: nothing changed
    return AppendAudit(db, actor, now, "key_revoked", Target("key", key_id), "");
  });
}

StatusOr<Principal> AccountService::AuthenticateKey(std::string_view secret) {
  if (!secret.starts_with(kApiKeyPrefix)) return UnauthenticatedError(kBadKey);
  const int64_t now = NowMs();
  ApiKeyRow key;
  Principal principal;
  {
    std::lock_guard lock(mu_);
    StatusOr<ApiKeyRow> row = ApiKeyTable(*reader_).GetByTokenHash(HashSecretToken(secret));
    if (!row.ok()) return Unauthenticated(row.status(), kBadKey);
    key = std::move(*row);
    StatusOr<Principal> owner = LoadPrincipal(key.user_id);
    if (!owner.ok()) return Unauthenticated(owner.status(), kBadKey);
    principal = std::move(*owner);
  }
  const bool expired = key.expires_at_ms.has_value() && now >= *key.expires_at_ms;
  if (key.revoked_at_ms.has_value() || expired || principal.suspended) {
    return UnauthenticatedError(kBadKey);
  }
  const ApiKeyInfo info = ToKeyInfo(key);
  principal.kind = Principal::Kind::kApiKey;
  principal.key_id = key.id;
  principal.key_actions = info.actions;
  principal.key_workspaces = info.workspaces;
  TouchKey(key.id, key.last_used_at_ms, now);
  return principal;
}

void AccountService::TouchKey(int64_t key_id, std::optional<int64_t> last_used_ms,
                              int64_t now_ms) {
  if (last_used_ms.has_value() && now_ms - *last_used_ms < kTouchIntervalMs) return;
  // Best effort, as TouchSession.
  (void)Write([&](Database& db) { return ApiKeyTable(db).SetLastUsed(key_id, now_ms); });
}

StatusOr<Principal> AccountService::PrincipalForUser(int64_t user_id) {
  std::lock_guard lock(mu_);
  return LoadPrincipal(user_id);
}

StatusOr<Principal> AccountService::LoadPrincipal(int64_t user_id) {
  ASSIGN_OR_RETURN(const UserRow user, UserTable(*reader_).Get(user_id));
  ASSIGN_OR_RETURN(const std::vector<int64_t> workspaces,
                   MembershipTable(*reader_).ListWorkspacesOf(user_id));
  Principal principal;
  principal.kind = Principal::Kind::kUser;
  principal.user_id = user.id;
  principal.user_name = user.name;
  principal.role = ParseStoredRole(user.role);
  principal.suspended = user.suspended;
  principal.member_workspaces.insert(workspaces.begin(), workspaces.end());
  return principal;
}

// ---- Memberships -----------------------------------------------------------

Status AccountService::AddMember(const Principal& actor, int64_t workspace_id, int64_t user_id) {
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(const bool added, MembershipTable(db).Add(workspace_id, user_id));
    if (!added) return OkStatus();  // already a member
    return AppendAudit(db, actor, now, "member_added", Target("workspace", workspace_id),
                       Target("user", user_id));
  });
}

Status AccountService::RemoveMember(const Principal& actor, int64_t workspace_id,
                                    int64_t user_id) {
  const int64_t now = NowMs();
  return Write([&](Database& db) -> Status {
    RETURN_IF_ERROR(MembershipTable(db).Remove(workspace_id, user_id));
    return AppendAudit(db, actor, now, "member_removed", Target("workspace", workspace_id),
                       Target("user", user_id));
  });
}

StatusOr<std::vector<UserInfo>> AccountService::ListMembers(int64_t workspace_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const std::vector<int64_t> ids,
                   MembershipTable(*reader_).ListMembersOf(workspace_id));
  std::vector<UserInfo> members;
  for (int64_t id : ids) {
    ASSIGN_OR_RETURN(const UserRow row, UserTable(*reader_).Get(id));
    members.push_back(ToUserInfo(row));
  }
  return members;
}

// ---- Audit -----------------------------------------------------------------

Status AccountService::Record(const Principal& actor, std::string_view action,
                              std::string_view target, std::string_view detail,
                              std::string_view address) {
  const int64_t now = NowMs();
  return Write([&](Database& db) {
    return AppendAudit(db, actor, now, action, std::string(target), std::string(detail), address);
  });
}

StatusOr<std::vector<AuditEvent>> AccountService::ListAudit(int limit, int64_t before_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const std::vector<AuditRow> rows, AuditTable(*reader_).List(limit, before_id));
  std::vector<AuditEvent> events;
  for (const AuditRow& row : rows) events.push_back(ToAuditEvent(row));
  return events;
}

}  // namespace hearth
