#include "server/account_routes.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/account_service.h"
#include "app/workspace_service.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"
#include "server/json_body.h"
#include "server/workspace_path.h"

namespace hearth::internal {
namespace {

using nlohmann::json;

json UserJson(const UserInfo& user) {
  return json{{"id", user.id},
              {"name", user.name},
              {"role", RoleName(user.role)},
              {"suspended", user.suspended},
              {"created_at", FormatRfc3339UnixMillis(user.created_at_ms)}};
}

json KeyJson(const ApiKeyInfo& key) {
  json actions = json::array();
  for (Action action : key.actions) actions.push_back(ActionName(action));
  json body{{"id", key.id},
            {"user_id", key.user_id},
            {"name", key.name},
            {"preview", key.preview},
            {"actions", actions},
            {"workspaces", nullptr},
            {"created_at", FormatRfc3339UnixMillis(key.created_at_ms)},
            {"last_used_at", nullptr},
            {"expires_at", nullptr},
            {"revoked", key.revoked}};
  if (key.workspaces) body["workspaces"] = *key.workspaces;
  if (key.last_used_at_ms) body["last_used_at"] = FormatRfc3339UnixMillis(*key.last_used_at_ms);
  if (key.expires_at_ms) body["expires_at"] = FormatRfc3339UnixMillis(*key.expires_at_ms);
  return body;
}

// A DELETE of the path's {id}: `remove(id)`, then {"<done>": id}.
template <typename Remove>
void RemoveById(const httplib::Request& request, httplib::Response& response, const char* done,
                Remove remove) {
  StatusOr<int64_t> id = ParsePathId(request);
  if (!id.ok()) return SetJsonError(response, id.status());
  Status removed = remove(*id);
  if (!removed.ok()) return SetJsonError(response, removed);
  SetJson(response, json{{done, *id}});
}

StatusOr<std::string> RequiredString(const json& body, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(body, key));
  if (!value) return InvalidArgumentError("\"" + std::string(key) + "\" is required");
  return std::move(*value);
}

StatusOr<std::set<Action>> KeyActions(const json& body) {
  const auto found = body.find("actions");
  if (found == body.end() || !found->is_array() || found->empty()) {
    return InvalidArgumentError("\"actions\" must be a non-empty list of read, chat, write, admin");
  }
  std::set<Action> actions;
  for (const json& item : *found) {
    const std::string name = item.is_string() ? item.get<std::string>() : "";
    if (name == "read") actions.insert(Action::kRead);
    else if (name == "chat") actions.insert(Action::kChat);
    else if (name == "write") actions.insert(Action::kWrite);
    else if (name == "admin") actions.insert(Action::kAdmin);
    else return InvalidArgumentError("unknown key action " + item.dump() + " (use read, chat, write, admin)");
  }
  return actions;
}

// "workspaces": slugs → ids; every one must be visible to the key's owner-to-be.
StatusOr<std::optional<std::set<int64_t>>> KeyWorkspaces(const json& body,
                                                         WorkspaceService* workspaces) {
  const auto found = body.find("workspaces");
  if (found == body.end() || found->is_null()) return std::optional<std::set<int64_t>>();
  if (!found->is_array() || found->empty() || found->size() > 1000) {
    return InvalidArgumentError("\"workspaces\" must be a list of 1 to 1000 workspace slugs");
  }
  if (workspaces == nullptr) return InvalidArgumentError("this server has no workspaces");
  std::set<int64_t> ids;
  for (const json& item : *found) {
    if (!item.is_string()) return InvalidArgumentError("\"workspaces\" must hold slugs (strings)");
    ASSIGN_OR_RETURN(WorkspaceRow row, workspaces->GetWorkspace(item.get<std::string>()));
    ids.insert(row.id);
  }
  return std::optional<std::set<int64_t>>(std::move(ids));
}

std::string CookieHeader(std::string_view name, std::string_view value, int64_t max_age_seconds,
                         bool http_only) {
  std::string cookie = std::string(name) + "=" + std::string(value) +
                       "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (http_only) cookie += "; HttpOnly";
  return cookie;
}

void Login(AccountService& accounts, const Clock& clock, const httplib::Request& request,
           httplib::Response& response) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<std::string> name = RequiredString(*body, "name");
  if (!name.ok()) return SetJsonError(response, name.status());
  StatusOr<std::string> password = RequiredString(*body, "password");
  if (!password.ok()) return SetJsonError(response, password.status());
  StatusOr<SessionGrant> grant = accounts.Login(*name, *password, request.remote_addr);
  if (!grant.ok()) return SetJsonError(response, grant.status());
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             clock.WallNow().time_since_epoch()).count();
  const int64_t max_age = std::max<int64_t>(0, (grant->expires_at_ms - now_ms) / 1000);
  response.set_header("Set-Cookie", CookieHeader(kSessionCookie, grant->session_token, max_age, true));
  response.set_header("Set-Cookie", CookieHeader(kCsrfCookie, grant->csrf_token, max_age, false));
  response.set_header("Cache-Control", "no-store");
  SetJson(response, json{{"user", UserJson(grant->user)},
                         {"csrf_token", grant->csrf_token},
                         {"expires_at", FormatRfc3339UnixMillis(grant->expires_at_ms)}});
}

void Logout(AccountService& accounts, RequestAuthenticator& authenticator,
            const httplib::Request& request, httplib::Response& response) {
  StatusOr<int64_t> session = authenticator.SessionId(request);
  if (!session.ok()) {
    return SetJsonError(response, InvalidArgumentError("only a signed-in browser session can log out; revoke an API key instead"));
  }
  Status ended = accounts.Logout(*session);
  if (!ended.ok()) return SetJsonError(response, ended);
  response.set_header("Set-Cookie", CookieHeader(kSessionCookie, "", 0, true));
  response.set_header("Set-Cookie", CookieHeader(kCsrfCookie, "", 0, false));
  SetJson(response, json{{"signed_out", true}});
}

void Me(AccountService& accounts, RequestAuthenticator& authenticator,
        const RequestContext& context, httplib::Response& response) {
  const Principal& who = context.principal();
  json body{{"mode", authenticator.MultiUser() ? "multi-user" : "single-user"},
            {"user", nullptr},
            {"via", who.kind == Principal::Kind::kApiKey ? "key"
                    : who.kind == Principal::Kind::kUser ? "session"
                                                         : "local"}};
  if (who.user_id > 0) {
    StatusOr<UserInfo> user = accounts.GetUser(who.user_id);
    if (!user.ok()) return SetJsonError(response, user.status());
    body["user"] = UserJson(*user);
    body["workspaces"] = who.member_workspaces;
  }
  SetJson(response, body);
}

void CreateUser(AccountService& accounts, RequestAuthenticator& authenticator,
                const httplib::Request& request, httplib::Response& response,
                const RequestContext& context) {
  if (!authenticator.MultiUser()) {
    return SetJsonError(response, FailedPreconditionError(
        "hearth is in single-user mode: create the first admin with `hearth user add NAME "
        "--role admin` (or HEARTH_ADMIN_PASSWORD at first start), never from the web"));
  }
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<std::string> name = RequiredString(*body, "name");
  if (!name.ok()) return SetJsonError(response, name.status());
  StatusOr<std::string> password = RequiredString(*body, "password");
  if (!password.ok()) return SetJsonError(response, password.status());
  StatusOr<std::optional<std::string>> role_name = OptionalString(*body, "role");
  if (!role_name.ok()) return SetJsonError(response, role_name.status());
  const std::optional<Role> role = ParseRole(role_name->value_or("default"));
  if (!role) {
    return SetJsonError(response, InvalidArgumentError("unknown role '" + role_name->value_or("") +
                                                       "' (use admin, manager or default)"));
  }
  StatusOr<UserInfo> user = accounts.AddUser(context.principal(), *name, *password, *role);
  if (!user.ok()) return SetJsonError(response, user.status());
  response.status = 201;
  SetJson(response, UserJson(*user));
}

void UpdateUser(AccountService& accounts, const httplib::Request& request,
                httplib::Response& response, const RequestContext& context) {
  StatusOr<int64_t> id = ParsePathId(request);
  if (!id.ok()) return SetJsonError(response, id.status());
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  if (body->contains("role")) {
    const json& field = (*body)["role"];
    const std::optional<Role> role = field.is_string() ? ParseRole(field.get<std::string>()) : std::nullopt;
    if (!role) return SetJsonError(response, InvalidArgumentError("\"role\" must be admin, manager or default"));
    Status changed = accounts.SetRole(context.principal(), *id, *role);
    if (!changed.ok()) return SetJsonError(response, changed);
  }
  if (body->contains("suspended")) {
    const json& field = (*body)["suspended"];
    if (!field.is_boolean()) return SetJsonError(response, InvalidArgumentError("\"suspended\" must be true or false"));
    Status changed = accounts.SetSuspended(context.principal(), *id, field.get<bool>());
    if (!changed.ok()) return SetJsonError(response, changed);
  }
  StatusOr<UserInfo> user = accounts.GetUser(*id);
  if (!user.ok()) return SetJsonError(response, user.status());
  SetJson(response, UserJson(*user));
}

void ChangePassword(AccountService& accounts, const httplib::Request& request,
                    httplib::Response& response, const RequestContext& context) {
  StatusOr<int64_t> id = ParsePathId(request);
  if (!id.ok()) return SetJsonError(response, id.status());
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  StatusOr<std::string> password = RequiredString(*body, "password");
  if (!password.ok()) return SetJsonError(response, password.status());
  const Principal& who = context.principal();
  if (!context.Allowed(Action::kAdmin, Resource{})) {
    // Changing one's own password takes the current one too.
    StatusOr<std::string> current = RequiredString(*body, "current_password");
    if (!current.ok()) return SetJsonError(response, current.status());
    Status checked = accounts.CheckPassword(*id, *current, request.remote_addr);
    if (!checked.ok()) return SetJsonError(response, checked);
  }
  Status changed = accounts.SetPassword(who, *id, *password);
  if (!changed.ok()) return SetJsonError(response, changed);
  SetJson(response, json{{"password_changed", true}});
}

void CreateKey(AccountService& accounts, WorkspaceService* workspaces,
               const httplib::Request& request, httplib::Response& response,
               const RequestContext& context) {
  StatusOr<json> body = ParseJsonObject(request.body);
  if (!body.ok()) return SetJsonError(response, body.status());
  const Principal& who = context.principal();
  int64_t owner = who.user_id;
  if (body->contains("user_id")) {
    const json& field = (*body)["user_id"];
    if (!field.is_number_integer()) return SetJsonError(response, InvalidArgumentError("\"user_id\" must be a user id"));
    owner = field.get<int64_t>();
  }
  if (owner <= 0) {
    return SetJsonError(response, InvalidArgumentError(
        "API keys belong to a user: sign in, or give \"user_id\" (multi-user mode)"));
  }
  Status allowed = context.Authorize(Action::kManage, Resource{.kind = ResourceKind::kUser, .owner_user_id = owner});
  if (!allowed.ok()) return SetJsonError(response, allowed);
  StatusOr<std::string> name = RequiredString(*body, "name");
  if (!name.ok()) return SetJsonError(response, name.status());
  StatusOr<std::set<Action>> actions = KeyActions(*body);
  if (!actions.ok()) return SetJsonError(response, actions.status());
  StatusOr<std::optional<std::set<int64_t>>> scope = KeyWorkspaces(*body, workspaces);
  if (!scope.ok()) return SetJsonError(response, scope.status());
  StatusOr<NewApiKey> key = accounts.CreateKey(who, owner, *name, *actions, *scope, std::nullopt);
  if (!key.ok()) return SetJsonError(response, key.status());
  json answer = KeyJson(key->info);
  answer["key"] = key->secret;
  response.status = 201;
  response.set_header("Cache-Control", "no-store");
  SetJson(response, answer);
}

void ListKeys(AccountService& accounts, const httplib::Request& request,
              httplib::Response& response, const RequestContext& context) {
  std::optional<int64_t> user = context.principal().user_id;
  if (request.has_param("user_id")) {
    user = QueryInt64(request, "user_id", 0);
  } else if (context.Allowed(Action::kAdmin, Resource{})) {
    user = std::nullopt;  // an admin sees every key
  }
  if (user) {
    Status allowed = context.Authorize(Action::kRead, Resource{.kind = ResourceKind::kUser, .owner_user_id = *user});
    if (!allowed.ok()) return SetJsonError(response, allowed);
  }
  StatusOr<std::vector<ApiKeyInfo>> keys = accounts.ListKeys(user);
  if (!keys.ok()) return SetJsonError(response, keys.status());
  json list = json::array();
  for (const ApiKeyInfo& key : *keys) list.push_back(KeyJson(key));
  SetJson(response, json{{"keys", list}});
}

void RegisterMemberRoutes(RouteTable& routes, AccountService& accounts) {
  routes.Get("/api/v1/workspaces/:slug/members",
             [&accounts](const httplib::Request&, httplib::Response& response,
                         const RequestContext& context) {
               StatusOr<std::vector<UserInfo>> members = accounts.ListMembers(context.resource().workspace_id);
               if (!members.ok()) return SetJsonError(response, members.status());
               json list = json::array();
               for (const UserInfo& user : *members) list.push_back(UserJson(user));
               SetJson(response, json{{"members", list}});
             });
  routes.Post("/api/v1/workspaces/:slug/members",
              [&accounts](const httplib::Request& request, httplib::Response& response,
                          const RequestContext& context) {
                StatusOr<json> body = ParseJsonObject(request.body);
                if (!body.ok()) return SetJsonError(response, body.status());
                StatusOr<std::string> name = RequiredString(*body, "user");
                if (!name.ok()) return SetJsonError(response, name.status());
                StatusOr<UserInfo> user = accounts.GetUserByName(*name);
                if (!user.ok()) return SetJsonError(response, user.status());
                Status added = accounts.AddMember(context.principal(), context.resource().workspace_id, user->id);
                if (!added.ok()) return SetJsonError(response, added);
                response.status = 201;
                SetJson(response, UserJson(*user));
              });
  routes.Delete("/api/v1/workspaces/:slug/members/:id",
                [&accounts](const httplib::Request& request, httplib::Response& response,
                            const RequestContext& context) {
                  RemoveById(request, response, "removed", [&](int64_t id) {
                    return accounts.RemoveMember(context.principal(), context.resource().workspace_id, id);
                  });
                });
}

}  // namespace

void RegisterAccountRoutes(RouteTable& routes, const ServerServices& services,
                           RequestAuthenticator& authenticator) {
  if (services.accounts == nullptr) return;
  AccountService& accounts = *services.accounts;
  WorkspaceService* workspaces = services.workspaces;
  routes.Post("/api/v1/auth/login", [&accounts](const httplib::Request& request, httplib::Response& response) {
    Login(accounts, Clock::Real(), request, response);
  });
  routes.Post("/api/v1/auth/logout", [&accounts, &authenticator](const httplib::Request& request,
                                                                 httplib::Response& response) {
    Logout(accounts, authenticator, request, response);
  });
  routes.Get("/api/v1/auth/me", [&accounts, &authenticator](const httplib::Request&,
                                                            httplib::Response& response,
                                                            const RequestContext& context) {
    Me(accounts, authenticator, context, response);
  });
  routes.Get("/api/v1/users", [&accounts](const httplib::Request&, httplib::Response& response) {
    StatusOr<std::vector<UserInfo>> users = accounts.ListUsers();
    if (!users.ok()) return SetJsonError(response, users.status());
    json list = json::array();
    for (const UserInfo& user : *users) list.push_back(UserJson(user));
    SetJson(response, json{{"users", list}});
  });
  routes.Post("/api/v1/users", [&accounts, &authenticator](const httplib::Request& request,
                                                           httplib::Response& response,
                                                           const RequestContext& context) {
    CreateUser(accounts, authenticator, request, response, context);
  });
  routes.Get("/api/v1/users/:id", [&accounts](const httplib::Request& request,
                                              httplib::Response& response) {
    StatusOr<int64_t> id = ParsePathId(request);
    if (!id.ok()) return SetJsonError(response, id.status());
    StatusOr<UserInfo> user = accounts.GetUser(*id);
    if (!user.ok()) return SetJsonError(response, user.status());
    SetJson(response, UserJson(*user));
  });
  routes.Patch("/api/v1/users/:id", [&accounts](const httplib::Request& request,
                                                httplib::Response& response,
                                                const RequestContext& context) {
    UpdateUser(accounts, request, response, context);
  });
  routes.Delete("/api/v1/users/:id", [&accounts](const httplib::Request& request,
                                                 httplib::Response& response,
                                                 const RequestContext& context) {
    RemoveById(request, response, "deleted",
               [&](int64_t id) { return accounts.DeleteUser(context.principal(), id); });
  });
  routes.Post("/api/v1/users/:id/password", [&accounts](const httplib::Request& request,
                                                        httplib::Response& response,
                                                        const RequestContext& context) {
    ChangePassword(accounts, request, response, context);
  });
  routes.Get("/api/v1/keys", [&accounts](const httplib::Request& request,
                                         httplib::Response& response,
                                         const RequestContext& context) {
    ListKeys(accounts, request, response, context);
  });
  routes.Post("/api/v1/keys", [&accounts, workspaces](const httplib::Request& request,
                                                      httplib::Response& response,
                                                      const RequestContext& context) {
    CreateKey(accounts, workspaces, request, response, context);
  });
  routes.Delete("/api/v1/keys/:id", [&accounts](const httplib::Request& request,
                                                httplib::Response& response,
                                                const RequestContext& context) {
    RemoveById(request, response, "revoked",
               [&](int64_t id) { return accounts.RevokeKey(context.principal(), id); });
  });
  routes.Get("/api/v1/audit", [&accounts](const httplib::Request& request,
                                          httplib::Response& response) {
    const auto limit = static_cast<int>(std::clamp<int64_t>(QueryInt64(request, "limit", 100), 1, 1000));
    StatusOr<std::vector<AuditEvent>> events =
        accounts.ListAudit(limit, QueryInt64(request, "before", 0));
    if (!events.ok()) return SetJsonError(response, events.status());
    json list = json::array();
    for (const AuditEvent& event : *events) {
      list.push_back(json{{"id", event.id},
                          {"at", FormatRfc3339UnixMillis(event.at_ms)},
                          {"actor", event.actor_name},
                          {"action", event.action},
                          {"target", event.target},
                          {"detail", event.detail},
                          {"address", event.address}});
    }
    SetJson(response, json{{"events", list}});
  });
  if (workspaces != nullptr) RegisterMemberRoutes(routes, accounts);
}

}  // namespace hearth::internal
