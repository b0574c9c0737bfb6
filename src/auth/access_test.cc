#include "auth/access.h"

#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hearth {
namespace {

// The world of the table: user 1 asks; user 2 is someone else. Workspace A
// (10) is one user 1 belongs to, workspace B (20) one they do not.
constexpr int64_t kMe = 1;
constexpr int64_t kOther = 2;
constexpr int64_t kA = 10;
constexpr int64_t kB = 20;

// --- principals -------------------------------------------------------------

Principal User(Role role, std::set<int64_t> workspaces = {kA}) {
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.user_id = kMe;
  p.user_name = "me";
  p.role = role;
  p.member_workspaces = std::move(workspaces);
  return p;
}

Principal Key(Principal owner, std::set<Action> scopes,
              std::optional<std::set<int64_t>> workspaces = std::nullopt) {
  owner.kind = Principal::Kind::kApiKey;
  owner.key_id = 7;
  owner.key_actions = std::move(scopes);
  owner.key_workspaces = std::move(workspaces);
  return owner;
}

Principal Anonymous() { return Principal{}; }

Principal LocalOwner() {
  Principal p;
  p.kind = Principal::Kind::kLocalOwner;
  return p;
}

Principal Suspended() {
  Principal p = User(Role::kAdmin);
  p.suspended = true;
  return p;
}

const std::set<Action> kAllScopes = {Action::kRead, Action::kChat, Action::kWrite, Action::kAdmin};

// --- resources --------------------------------------------------------------

Resource Make(ResourceKind kind, int64_t workspace, int64_t owner = 0, bool uploads = false) {
  return Resource{kind, workspace, owner, uploads};
}

struct NamedResource {
  const char* name;
  Resource resource;
};

const std::vector<NamedResource>& Resources() {
  static const std::vector<NamedResource> resources = {
      {"system", Make(ResourceKind::kSystem, 0)},
      {"model", Make(ResourceKind::kModel, 0)},
      {"workspace A", Make(ResourceKind::kWorkspace, kA)},
      {"workspace B", Make(ResourceKind::kWorkspace, kB)},
      {"document in A", Make(ResourceKind::kDocument, kA)},
      {"document in A (uploads on)", Make(ResourceKind::kDocument, kA, 0, true)},
      {"document in B", Make(ResourceKind::kDocument, kB)},
      {"job in A", Make(ResourceKind::kJob, kA)},
      {"job in B", Make(ResourceKind::kJob, kB)},
      {"my thread in A", Make(ResourceKind::kThread, kA, kMe)},
      {"other's thread in A", Make(ResourceKind::kThread, kA, kOther)},
      {"my thread in B", Make(ResourceKind::kThread, kB, kMe)},
      {"my user", Make(ResourceKind::kUser, 0, kMe)},
      {"other user", Make(ResourceKind::kUser, 0, kOther)},
      {"my API key", Make(ResourceKind::kApiKey, 0, kMe)},
      {"other's API key", Make(ResourceKind::kApiKey, 0, kOther)},
  };
  return resources;
}

// --- the table --------------------------------------------------------------
//
// One row per principal shape; one string per resource (in Resources()
// order) with one letter per action, in the order
//     R(ead) C(hat) W(rite) M(anage) K (create workspace) A(dmin):
//   '+' OK   'D' PermissionDenied   'N' NotFound   'U' Unauthenticated
constexpr std::array<Action, 6> kActions = {Action::kRead,   Action::kChat,
                                            Action::kWrite,  Action::kManage,
                                            Action::kCreateWorkspace, Action::kAdmin};

using Expectations = std::array<const char*, 16>;

struct Row {
  const char* name;
  Principal principal;
  Expectations expected;
};

constexpr const char* kAllUnauthenticated = "UUUUUU";
constexpr const char* kAllOk = "++++++";
constexpr const char* kNotFound = "NNNNNN";
constexpr const char* kDenied = "DDDDDD";

std::vector<Row> Table() {
  const Expectations all_unauthenticated = {
      kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated,
      kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated,
      kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated,
      kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated, kAllUnauthenticated};
  const Expectations all_ok = {kAllOk, kAllOk, kAllOk, kAllOk, kAllOk, kAllOk, kAllOk, kAllOk,
                               kAllOk, kAllOk, kAllOk, kAllOk, kAllOk, kAllOk, kAllOk, kAllOk};
  return {
      {"anonymous: nothing", Anonymous(), all_unauthenticated},
      {"local owner: everything", LocalOwner(), all_ok},
      {"suspended (even an admin): nothing", Suspended(), all_unauthenticated},
      {"admin, member of nothing: everything", User(Role::kAdmin, {}), all_ok},
      {"manager, member of A",
       User(Role::kManager),
       //  system    model     ws A      ws B       doc A     doc A up  doc B
       {"+DDD+D", "++DDDD", "++++DD", kNotFound, "++++DD", "++++DD", kNotFound,
        //  job A   job B      my thr A  other thr  my thr B   my user   other user
        "++++DD", kNotFound, "++++DD", kNotFound, kNotFound, "+DD+DD", kDenied,
        //  my key  other key
        "+DD+DD", kDenied}},
      {"default, member of A (writes only where uploads are on)",
       User(Role::kDefault),
       {"+DDDDD", "++DDDD", "++DDDD", kNotFound, "++DDDD", "+++DDD", kNotFound,
        "++DDDD", kNotFound, "++++DD", kNotFound, kNotFound, "+DD+DD", kDenied,
        "+DD+DD", kDenied}},
      {"manager's key, read scope: reads what the manager reads",
       Key(User(Role::kManager), {Action::kRead}),
       {"+DDDDD", "+DDDDD", "+DDDDD", kNotFound, "+DDDDD", "+DDDDD", kNotFound,
        "+DDDDD", kNotFound, "+DDDDD", kNotFound, kNotFound, "+DDDDD", kDenied,
        "+DDDDD", kDenied}},
      {"manager's key, chat scope: chats only",
       Key(User(Role::kManager), {Action::kChat}),
       {kDenied, "D+DDDD", "D+DDDD", kNotFound, "D+DDDD", "D+DDDD", kNotFound,
        "D+DDDD", kNotFound, "D+DDDD", kNotFound, kNotFound, kDenied, kDenied,
        kDenied, kDenied}},
      {"manager's key, write scope: writes only",
       Key(User(Role::kManager), {Action::kWrite}),
       {kDenied, kDenied, "DD+DDD", kNotFound, "DD+DDD", "DD+DDD", kNotFound,
        "DD+DDD", kNotFound, "DD+DDD", kNotFound, kNotFound, kDenied, kDenied,
        kDenied, kDenied}},
      {"manager's key, admin scope: manage and create workspaces, no more than the manager",
       Key(User(Role::kManager), {Action::kAdmin}),
       {"DDDD+D", kDenied, "DDD+DD", kNotFound, "DDD+DD", "DDD+DD", kNotFound,
        "DDD+DD", kNotFound, "DDD+DD", kNotFound, kNotFound, "DDD+DD", kDenied,
        "DDD+DD", kDenied}},
      {"key limited to A, all scopes, owner a manager of A and B: B does not exist for it",
       Key(User(Role::kManager, {kA, kB}), kAllScopes, std::set<int64_t>{kA}),
       {kDenied, kDenied, "++++DD", kNotFound, "++++DD", "++++DD", kNotFound,
        "++++DD", kNotFound, "++++DD", kNotFound, kNotFound, kDenied, kDenied,
        kDenied, kDenied}},
      {"admin's key, read scope only: reads everything, changes nothing",
       Key(User(Role::kAdmin, {}), {Action::kRead}),
       {"+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD",
        "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD", "+DDDDD",
        "+DDDDD", "+DDDDD"}},
      {"default user's key, admin scope: still only what a default user may manage",
       Key(User(Role::kDefault), {Action::kAdmin}),
       {kDenied, kDenied, kDenied, kNotFound, kDenied, kDenied, kNotFound,
        kDenied, kNotFound, "DDD+DD", kNotFound, kNotFound, "DDD+DD", kDenied,
        "DDD+DD", kDenied}},
      {"admin's key, all scopes: everything",
       Key(User(Role::kAdmin, {}), kAllScopes), all_ok},
  };
}

char Letter(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return '+';
    case StatusCode::kPermissionDenied: return 'D';
    case StatusCode::kNotFound: return 'N';
    case StatusCode::kUnauthenticated: return 'U';
    default: return '?';
  }
}

TEST(AccessTest, EveryPrincipalEveryResourceEveryAction) {
  const std::vector<NamedResource>& resources = Resources();
  ASSERT_EQ(resources.size(), Expectations{}.size());
  for (const Row& row : Table()) {
    for (size_t r = 0; r < resources.size(); ++r) {
      const std::string expected = row.expected[r];
      ASSERT_EQ(expected.size(), kActions.size()) << row.name << " / " << resources[r].name;
      std::string actual;
      for (Action action : kActions) {
        actual += Letter(Authorize(row.principal, action, resources[r].resource));
      }
      EXPECT_EQ(actual, expected) << row.name << " on " << resources[r].name
                                  << " (letters: read chat write manage create admin)";
    }
  }
}

TEST(AccessTest, TableCoversEveryResourceKind) {
  std::set<ResourceKind> kinds;
  for (const NamedResource& named : Resources()) kinds.insert(named.resource.kind);
  EXPECT_EQ(kinds.size(), 8u);
}

TEST(AccessTest, AKeyNeverExceedsItsOwner) {
  const Principal key = Key(User(Role::kDefault), kAllScopes);
  for (const NamedResource& named : Resources()) {
    for (Action action : kActions) {
      const Status as_user = Authorize(User(Role::kDefault), action, named.resource);
      const Status as_key = Authorize(key, action, named.resource);
      if (!as_user.ok()) {
        EXPECT_FALSE(as_key.ok()) << named.name << " " << ActionName(action);
      }
    }
  }
  EXPECT_EQ(Authorize(key, Action::kAdmin, Make(ResourceKind::kSystem, 0)).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(key, Action::kAdmin, Make(ResourceKind::kModel, 0)).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(key, Action::kManage, Make(ResourceKind::kUser, 0, kOther)).code(),
            StatusCode::kPermissionDenied);
}

TEST(AccessTest, CreatingAWorkspaceWithAKeyNeedsTheAdminScope) {
  const Resource system = Make(ResourceKind::kSystem, 0);
  const Principal manager = User(Role::kManager);
  EXPECT_TRUE(Authorize(manager, Action::kCreateWorkspace, system).ok());
  EXPECT_EQ(Authorize(Key(manager, {Action::kRead, Action::kChat, Action::kWrite}),
                      Action::kCreateWorkspace, system)
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(Authorize(Key(manager, {Action::kAdmin}), Action::kCreateWorkspace, system).ok());
  EXPECT_EQ(Authorize(Key(User(Role::kDefault), kAllScopes), Action::kCreateWorkspace, system)
                .code(),
            StatusCode::kPermissionDenied);
}

TEST(AccessTest, MessagesNameTheActionAndKindOnly) {
  const Status denied =
      Authorize(User(Role::kDefault), Action::kWrite, Make(ResourceKind::kDocument, kA));
  EXPECT_EQ(denied.message(), "a default member cannot write documents in this workspace");

  const Status manage =
      Authorize(User(Role::kDefault), Action::kManage, Make(ResourceKind::kWorkspace, kA));
  EXPECT_EQ(manage.message(), "a default member cannot manage this workspace");

  const Status scope = Authorize(Key(User(Role::kManager), {Action::kRead}), Action::kWrite,
                                 Make(ResourceKind::kDocument, kA));
  EXPECT_NE(scope.message().find("'write' scope"), std::string::npos) << scope;

  const Status hidden =
      Authorize(User(Role::kManager), Action::kRead, Make(ResourceKind::kWorkspace, kB));
  EXPECT_EQ(hidden.message(), "workspace not found");
  const Status thread =
      Authorize(User(Role::kManager), Action::kRead, Make(ResourceKind::kThread, kA, kOther));
  EXPECT_EQ(thread.message(), "thread not found");

  const Status anonymous = Authorize(Anonymous(), Action::kRead, Make(ResourceKind::kModel, 0));
  EXPECT_NE(anonymous.message().find("sign in"), std::string::npos) << anonymous;
  const Status suspended = Authorize(Suspended(), Action::kRead, Make(ResourceKind::kModel, 0));
  EXPECT_NE(suspended.message().find("suspended"), std::string::npos) << suspended;
}

TEST(AccessTest, RoleNamesRoundTrip) {
  for (Role role : {Role::kAdmin, Role::kManager, Role::kDefault}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(RoleName(Role::kAdmin), "admin");
  EXPECT_EQ(RoleName(Role::kManager), "manager");
  EXPECT_EQ(RoleName(Role::kDefault), "default");
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseRole("owner"), std::nullopt);
}

TEST(AccessTest, ActionAndKindNamesAreDistinct) {
  std::set<std::string_view> actions;
  for (Action action : kActions) actions.insert(ActionName(action));
  EXPECT_EQ(actions.size(), kActions.size());
  EXPECT_EQ(ActionName(Action::kCreateWorkspace), "create_workspace");
  std::set<std::string_view> kinds;
  for (const NamedResource& named : Resources()) {
    kinds.insert(ResourceKindName(named.resource.kind));
  }
  EXPECT_EQ(kinds.size(), 8u);
  EXPECT_EQ(ResourceKindName(ResourceKind::kApiKey), "api_key");
}

}  // namespace
}  // namespace hearth
