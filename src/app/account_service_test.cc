#include "app/account_service.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "auth/secret_token.h"
#include "base/fake_clock.h"
#include "gtest/gtest.h"
#include "store/store_test_database.h"
#include "store/thread_table.h"

namespace hearth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::string_view kPassword = "correct horse battery";
constexpr std::string_view kOtherPassword = "tr0ub4dor&3-staple";

// AccountService over a real temporary database and WriteQueue, at a fake
// "now", with libsodium's interactive (fast) password hashing.
class AccountServiceTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto writer = WriteQueue::Open({.database = {.path = path()}});
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = std::move(*writer);
    auto reader = Database::Open({.path = path()});
    ASSERT_TRUE(reader.ok()) << reader.status();
    accounts_ = std::make_unique<AccountService>(
        std::move(*reader), *writer_, clock_,
        AccountOptions{.session_lifetime = hours(24),
                       .session_idle = hours(1),
                       .password_cost = PasswordHashCost::Interactive()});
  }
  void TearDown() override {
    accounts_.reset();
    writer_.reset();
    StoreTest::TearDown();
  }

  AccountService& accounts() { return *accounts_; }

  static Principal CommandLine() {
    Principal actor;
    actor.kind = Principal::Kind::kLocalOwner;
    actor.user_name = "command line";
    return actor;
  }

  int64_t AddUser(const std::string& name, Role role = Role::kDefault) {
    auto user = accounts_->AddUser(CommandLine(), name, kPassword, role);
    EXPECT_TRUE(user.ok()) << user.status();
    return user.ok() ? user->id : -1;
  }

  SessionGrant LoginOk(const std::string& name, std::string_view password = kPassword) {
    auto grant = accounts_->Login(name, password, "10.0.0.1");
    EXPECT_TRUE(grant.ok()) << grant.status();
    return grant.ok() ? *grant : SessionGrant{};
  }

  StatusCode SessionCode(const SessionGrant& grant) {
    return accounts_->AuthenticateSession(grant.session_token).status().code();
  }

  NewApiKey CreateKey(int64_t user_id, std::set<Action> actions = {Action::kRead},
                      std::optional<std::set<int64_t>> workspaces = std::nullopt,
                      std::optional<int64_t> expires_at_ms = std::nullopt) {
    auto key = accounts_->CreateKey(CommandLine(), user_id, "ci", std::move(actions),
                                    std::move(workspaces), expires_at_ms);
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? *key : NewApiKey{};
  }

  std::vector<AuditEvent> Audit() {
    auto events = accounts_->ListAudit(1000, 0);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<AuditEvent>{};
  }

  int CountAudit(std::string_view action) {
    int count = 0;
    for (const AuditEvent& event : Audit()) count += event.action == action ? 1 : 0;
    return count;
  }

  int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               clock_.WallNow().time_since_epoch())
        .count();
  }

  // The bytes of the database and its write-ahead log.
  std::string FileBytes() {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream file(path().string() + suffix, std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    return bytes;
  }

  FakeClock clock_;
  std::unique_ptr<WriteQueue> writer_;
  std::unique_ptr<AccountService> accounts_;
};

TEST_F(AccountServiceTest, AddListAndFindUsers) {
  EXPECT_FALSE(*accounts().MultiUser());
  const int64_t ann = AddUser("Ann", Role::kAdmin);
  const int64_t bob = AddUser("bob.smith_2");
  EXPECT_TRUE(*accounts().MultiUser());
  auto users = accounts().ListUsers();
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "Ann");
  EXPECT_EQ((*users)[0].role, Role::kAdmin);
  EXPECT_EQ((*users)[0].created_at_ms, NowMs());
  EXPECT_EQ((*users)[1].id, bob);
  EXPECT_EQ((*users)[1].role, Role::kDefault);
  EXPECT_FALSE((*users)[1].suspended);
  EXPECT_EQ(accounts().GetUserByName("ANN")->id, ann);
  EXPECT_EQ(accounts().GetUser(ann)->name, "Ann");
  EXPECT_EQ(accounts().GetUser(999).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts().GetUserByName("cy").status().code(), StatusCode::kNotFound);
  // Only the hash is stored.
  EXPECT_EQ(FileBytes().find(kPassword), std::string::npos);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'"), 2);
}

TEST_F(AccountServiceTest, TakenNamesBadNamesAndBadPasswordsWriteNothing) {
  AddUser("ann");
  auto taken = accounts().AddUser(CommandLine(), "ANN", kPassword, Role::kDefault);
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(taken.status().message().find("ANN"), std::string::npos);
  for (const std::string& bad :
       std::vector<std::string>{"", ".hidden", "-dash", "two words", "caf\xc3\xa9", "a/b",
                                std::string(65, 'a'), std::string("a\0b", 3)}) {
    auto user = accounts().AddUser(CommandLine(), bad, kPassword, Role::kDefault);
    EXPECT_EQ(user.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto short_password = accounts().AddUser(CommandLine(), "bob", "short", Role::kDefault);
  EXPECT_EQ(short_password.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts().ListUsers()->size(), 1u);
  EXPECT_TRUE(accounts().AddUser(CommandLine(), std::string(64, 'b'), kPassword,
                                 Role::kDefault).ok());
}

TEST_F(AccountServiceTest, WrongPasswordUnknownUserAndSuspendedUserGetTheSameMessage) {
  const int64_t ann = AddUser("ann", Role::kAdmin);
  const int64_t bob = AddUser("bob");
  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), bob, true).ok());
  const Status wrong = accounts().Login("ann", kOtherPassword, "10.0.0.1").status();
  const Status unknown = accounts().Login("nobody", kPassword, "10.0.0.1").status();
  const Status suspended = accounts().Login("bob", kPassword, "10.0.0.1").status();
  for (const Status& status : {wrong, unknown, suspended}) {
    EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << status;
    EXPECT_EQ(status.message(), wrong.message());
  }
  EXPECT_EQ(CountAudit("login_failed"), 3);
  EXPECT_EQ(CountAudit("login"), 0);
  SessionGrant grant = LoginOk("ANN");
  EXPECT_EQ(grant.user.id, ann);
  EXPECT_EQ(CountAudit("login"), 1);
}

TEST_F(AccountServiceTest, LimiterRefusesAfterFiveFailuresEvenTheRightPassword) {
  AddUser("ann");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(accounts().Login("ann", kOtherPassword, "10.0.0.1").status().code(),
              StatusCode::kUnauthenticated);
  }
  // Another spelling of the same name is the same name.
  const Status locked = accounts().Login("Ann", kPassword, "10.0.0.2").status();
  EXPECT_EQ(locked.code(), StatusCode::kResourceExhausted) << locked;
  clock_.Advance(minutes(6));
  EXPECT_TRUE(accounts().Login("ann", kPassword, "10.0.0.1").ok());
}

TEST_F(AccountServiceTest, SessionAuthenticatesUntilItsLifetimeEnds) {
  const int64_t ann = AddUser("ann", Role::kManager);
  const int64_t ws = MakeWorkspace("notes");
  ASSERT_TRUE(accounts().AddMember(CommandLine(), ws, ann).ok());
  SessionGrant grant = LoginOk("ann");
  EXPECT_EQ(grant.expires_at_ms, NowMs() + 24 * 3600 * 1000);
  EXPECT_NE(grant.session_token, grant.csrf_token);
  auto session = accounts().AuthenticateSession(grant.session_token);
  ASSERT_TRUE(session.ok()) << session.status();
  EXPECT_EQ(session->principal.kind, Principal::Kind::kUser);
  EXPECT_EQ(session->principal.user_id, ann);
  EXPECT_EQ(session->principal.user_name, "ann");
  EXPECT_EQ(session->principal.role, Role::kManager);
  EXPECT_EQ(session->principal.member_workspaces, (std::set<int64_t>{ws}));
  EXPECT_TRUE(SecretEquals(HashSecretToken(grant.csrf_token), session->csrf_token_hash));
  // Neither token is stored, only their hashes.
  const std::string bytes = FileBytes();
  EXPECT_NE(bytes.find(HashSecretToken(grant.session_token)), std::string::npos);
  EXPECT_EQ(bytes.find(grant.session_token), std::string::npos);
  EXPECT_EQ(bytes.find(grant.csrf_token), std::string::npos);
  EXPECT_EQ(accounts().AuthenticateSession("made-up").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts().AuthenticateSession("").status().code(), StatusCode::kUnauthenticated);
  // Kept alive by use, it still ends with its lifetime.
  for (int i = 0; i < 24; ++i) {
    clock_.Advance(minutes(59));
    ASSERT_EQ(SessionCode(grant), StatusCode::kOk) << i;
  }
  clock_.Advance(minutes(30));  // 24 h 6 min after login, 30 min after last use
  EXPECT_EQ(SessionCode(grant), StatusCode::kUnauthenticated);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions"), 0);
}

TEST_F(AccountServiceTest, IdleSessionExpiresAndLogoutEndsOne) {
  AddUser("ann");
  SessionGrant idle = LoginOk("ann");
  SessionGrant active = LoginOk("ann");
  clock_.Advance(minutes(50));
  EXPECT_EQ(SessionCode(active), StatusCode::kOk);
  clock_.Advance(minutes(15));
  EXPECT_EQ(SessionCode(idle), StatusCode::kUnauthenticated);
  auto session = accounts().AuthenticateSession(active.session_token);
  ASSERT_TRUE(session.ok()) << session.status();
  ASSERT_TRUE(accounts().Logout(session->session_id).ok());
  EXPECT_EQ(SessionCode(active), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts().Logout(session->session_id).code(), StatusCode::kNotFound);
}

TEST_F(AccountServiceTest, LoginSweepsSessionsThatEndedUnseen) {
  AddUser("ann");
  LoginOk("ann");
  LoginOk("ann");
  clock_.Advance(minutes(61));
  LoginOk("ann");
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions"), 1);
}

TEST_F(AccountServiceTest, RoleSuspensionAndPasswordChangesEndSessionsAtOnce) {
  AddUser("admin", Role::kAdmin);
  const int64_t ann = AddUser("ann");
  SessionGrant grant = LoginOk("ann");
  ASSERT_TRUE(accounts().SetRole(CommandLine(), ann, Role::kManager).ok());
  EXPECT_EQ(SessionCode(grant), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts().GetUser(ann)->role, Role::kManager);

  grant = LoginOk("ann");
  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), ann, true).ok());
  EXPECT_EQ(SessionCode(grant), StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts().PrincipalForUser(ann)->suspended);
  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), ann, false).ok());

  grant = LoginOk("ann");
  ASSERT_TRUE(accounts().SetPassword(CommandLine(), ann, kOtherPassword).ok());
  EXPECT_EQ(SessionCode(grant), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts().Login("ann", kPassword, "").status().code(), StatusCode::kUnauthenticated);
  LoginOk("ann", kOtherPassword);
  EXPECT_EQ(accounts().SetPassword(CommandLine(), ann, "short").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts().SetPassword(CommandLine(), 999, kPassword).code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts().SetRole(CommandLine(), 999, Role::kAdmin).code(), StatusCode::kNotFound);
}

TEST_F(AccountServiceTest, KeySecretIsShownOnceAndOnlyItsHashIsStored) {
  const int64_t ann = AddUser("ann", Role::kManager);
  NewApiKey key = CreateKey(ann, {Action::kRead, Action::kChat});
  ASSERT_TRUE(key.secret.starts_with(kApiKeyPrefix)) << key.secret;
  EXPECT_EQ(key.secret.size(), kApiKeyPrefix.size() + 43);
  EXPECT_TRUE(key.secret.starts_with(key.info.preview));
  EXPECT_LT(key.info.preview.size(), key.secret.size() - 30);
  EXPECT_EQ(key.info.user_id, ann);
  EXPECT_EQ(key.info.name, "ci");
  EXPECT_EQ(key.info.actions, (std::set<Action>{Action::kRead, Action::kChat}));
  EXPECT_FALSE(key.info.workspaces.has_value());
  EXPECT_FALSE(key.info.revoked);
  EXPECT_FALSE(key.info.last_used_at_ms.has_value());
  const std::string bytes = FileBytes();
  EXPECT_NE(bytes.find(HashSecretToken(key.secret)), std::string::npos);  // the scan sees rows
  EXPECT_EQ(bytes.find(key.secret), std::string::npos);
  EXPECT_EQ(bytes.find(key.secret.substr(kApiKeyPrefix.size())), std::string::npos);

  auto principal = accounts().AuthenticateKey(key.secret);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->kind, Principal::Kind::kApiKey);
  EXPECT_EQ(principal->user_id, ann);
  EXPECT_EQ(principal->role, Role::kManager);
  EXPECT_EQ(principal->key_id, key.info.id);
  EXPECT_EQ(principal->key_actions, key.info.actions);
  EXPECT_FALSE(principal->key_workspaces.has_value());
  // The secret with its last character changed (to one it is not).
  const std::string altered =
      key.secret.substr(0, key.secret.size() - 1) + (key.secret.back() == 'A' ? "B" : "A");
  for (const std::string& wrong : {std::string("hearth_sk_nope"), std::string("Bearer x"), altered}) {
    EXPECT_EQ(accounts().AuthenticateKey(wrong).status().code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(AccountServiceTest, KeyLastUseIsRecordedAtMostOnceAMinute) {
  const int64_t ann = AddUser("ann");
  NewApiKey key = CreateKey(ann);
  const int64_t first = NowMs();
  ASSERT_TRUE(accounts().AuthenticateKey(key.secret).ok());
  EXPECT_EQ(accounts().GetKey(key.info.id)->last_used_at_ms, first);
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(accounts().AuthenticateKey(key.secret).ok());
  EXPECT_EQ(accounts().GetKey(key.info.id)->last_used_at_ms, first);
  clock_.Advance(std::chrono::seconds(31));
  ASSERT_TRUE(accounts().AuthenticateKey(key.secret).ok());
  EXPECT_EQ(accounts().GetKey(key.info.id)->last_used_at_ms, NowMs());
}

TEST_F(AccountServiceTest, RevokedExpiredAndSuspendedOwnersKeysFailAtOnce) {
  AddUser("admin", Role::kAdmin);
  const int64_t ann = AddUser("ann");
  NewApiKey revoked = CreateKey(ann);
  NewApiKey expiring = CreateKey(ann, {Action::kRead}, std::nullopt, NowMs() + 3600 * 1000);
  NewApiKey plain = CreateKey(ann);
  ASSERT_TRUE(accounts().RevokeKey(CommandLine(), revoked.info.id).ok());
  EXPECT_EQ(accounts().AuthenticateKey(revoked.secret).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_TRUE(accounts().GetKey(revoked.info.id)->revoked);
  EXPECT_TRUE(accounts().RevokeKey(CommandLine(), revoked.info.id).ok());  // again: no-op
  EXPECT_EQ(CountAudit("key_revoked"), 1);
  EXPECT_EQ(accounts().RevokeKey(CommandLine(), 999).code(), StatusCode::kNotFound);

  EXPECT_TRUE(accounts().AuthenticateKey(expiring.secret).ok());
  clock_.Advance(hours(1));
  EXPECT_EQ(accounts().AuthenticateKey(expiring.secret).status().code(),
            StatusCode::kUnauthenticated);

  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), ann, true).ok());
  EXPECT_EQ(accounts().AuthenticateKey(plain.secret).status().code(),
            StatusCode::kUnauthenticated);
  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), ann, false).ok());
  EXPECT_TRUE(accounts().AuthenticateKey(plain.secret).ok());

  auto keys = accounts().ListKeys(ann);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 3u);
  EXPECT_EQ(accounts().ListKeys(std::nullopt)->size(), 3u);
  EXPECT_TRUE(accounts().ListKeys(999)->empty());
}

TEST_F(AccountServiceTest, BadKeyRequestsAreRefusedAndWriteNothing) {
  const int64_t ann = AddUser("ann");
  const auto create = [&](std::set<Action> actions, std::optional<std::set<int64_t>> workspaces,
                          std::optional<int64_t> expires, std::string_view name = "ci") {
    return accounts()
        .CreateKey(CommandLine(), ann, name, std::move(actions), std::move(workspaces), expires)
        .status()
        .code();
  };
  EXPECT_EQ(create({}, std::nullopt, std::nullopt), StatusCode::kInvalidArgument);
  EXPECT_EQ(create({Action::kManage}, std::nullopt, std::nullopt), StatusCode::kInvalidArgument);
  EXPECT_EQ(create({Action::kCreateWorkspace}, std::nullopt, std::nullopt),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(create({Action::kRead}, std::set<int64_t>{}, std::nullopt),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(create({Action::kRead}, std::set<int64_t>{0}, std::nullopt),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(create({Action::kRead}, std::nullopt, NowMs()), StatusCode::kInvalidArgument);
  EXPECT_EQ(create({Action::kRead}, std::nullopt, std::nullopt, ""), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts()
                .CreateKey(CommandLine(), 999, "ci", {Action::kRead}, std::nullopt, std::nullopt)
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(accounts().ListKeys(std::nullopt)->empty());
  EXPECT_EQ(CountAudit("key_created"), 0);
}

TEST_F(AccountServiceTest, NarrowedKeyAndMembershipsComeBackInThePrincipal) {
  const int64_t ann = AddUser("ann");
  const int64_t notes = MakeWorkspace("notes");
  const int64_t wiki = MakeWorkspace("wiki");
  ASSERT_TRUE(accounts().AddMember(CommandLine(), notes, ann).ok());
  ASSERT_TRUE(accounts().AddMember(CommandLine(), wiki, ann).ok());
  NewApiKey key = CreateKey(ann, {Action::kRead, Action::kWrite}, std::set<int64_t>{wiki});
  EXPECT_EQ(key.info.workspaces, (std::set<int64_t>{wiki}));
  auto principal = accounts().AuthenticateKey(key.secret);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->key_actions, (std::set<Action>{Action::kRead, Action::kWrite}));
  EXPECT_EQ(principal->key_workspaces, (std::set<int64_t>{wiki}));
  EXPECT_EQ(principal->member_workspaces, (std::set<int64_t>{notes, wiki}));
  // Access follows the memberships, not only the key.
  EXPECT_EQ(Authorize(*principal, Action::kRead, {.kind = ResourceKind::kWorkspace,
                                                  .workspace_id = wiki})
                .code(),
            StatusCode::kOk);
  EXPECT_NE(Authorize(*principal, Action::kRead, {.kind = ResourceKind::kWorkspace,
                                                  .workspace_id = notes})
                .code(),
            StatusCode::kOk);
  ASSERT_TRUE(accounts().RemoveMember(CommandLine(), wiki, ann).ok());
  EXPECT_EQ(accounts().AuthenticateKey(key.secret)->member_workspaces,
            (std::set<int64_t>{notes}));
}

TEST_F(AccountServiceTest, MembershipsAddListRemove) {
  const int64_t ann = AddUser("ann");
  const int64_t bob = AddUser("bob");
  const int64_t ws = MakeWorkspace("notes");
  ASSERT_TRUE(accounts().AddMember(CommandLine(), ws, bob).ok());
  ASSERT_TRUE(accounts().AddMember(CommandLine(), ws, ann).ok());
  ASSERT_TRUE(accounts().AddMember(CommandLine(), ws, ann).ok());  // again: no-op
  EXPECT_EQ(CountAudit("member_added"), 2);
  auto members = accounts().ListMembers(ws);
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].name, "ann");
  EXPECT_EQ(accounts().AddMember(CommandLine(), 999, ann).code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts().AddMember(CommandLine(), ws, 999).code(), StatusCode::kNotFound);
  ASSERT_TRUE(accounts().RemoveMember(CommandLine(), ws, bob).ok());
  EXPECT_EQ(accounts().RemoveMember(CommandLine(), ws, bob).code(), StatusCode::kNotFound);
  EXPECT_EQ(accounts().ListMembers(ws)->size(), 1u);
  EXPECT_EQ(CountAudit("member_removed"), 1);
}

TEST_F(AccountServiceTest, TheLastAdminCannotBeDeletedDemotedOrSuspended) {
  const int64_t ann = AddUser("ann", Role::kAdmin);
  AddUser("bob");
  for (const Status& status : {accounts().DeleteUser(CommandLine(), ann),
                               accounts().SetRole(CommandLine(), ann, Role::kManager),
                               accounts().SetSuspended(CommandLine(), ann, true)}) {
    EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << status;
    EXPECT_NE(status.message().find("last admin"), std::string::npos) << status;
  }
  // A suspended admin does not count as another admin.
  const int64_t cy = AddUser("cy", Role::kAdmin);
  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), cy, true).ok());
  EXPECT_EQ(accounts().SetRole(CommandLine(), ann, Role::kDefault).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(accounts().SetSuspended(CommandLine(), cy, false).ok());
  ASSERT_TRUE(accounts().SetRole(CommandLine(), ann, Role::kAdmin).ok());  // no change
  ASSERT_TRUE(accounts().SetRole(CommandLine(), ann, Role::kDefault).ok());
  EXPECT_EQ(accounts().DeleteUser(CommandLine(), cy).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(accounts().GetUser(ann)->role, Role::kDefault);
  EXPECT_EQ(accounts().GetUser(cy)->role, Role::kAdmin);
}

TEST_F(AccountServiceTest, DeleteUserRemovesSessionsKeysMembershipsAndThreads) {
  AddUser("admin", Role::kAdmin);
  const int64_t ann = AddUser("ann");
  const int64_t bob = AddUser("bob");
  const int64_t ws = MakeWorkspace("notes");
  for (int64_t user : {ann, bob}) {
    ASSERT_TRUE(accounts().AddMember(CommandLine(), ws, user).ok());
    ASSERT_TRUE(ThreadTable(db()).Create(ws, "mine", user).ok());
    CreateKey(user);
  }
  SessionGrant grant = LoginOk("ann");
  NewApiKey ann_key = CreateKey(ann);
  LoginOk("bob");
  ASSERT_TRUE(accounts().DeleteUser(CommandLine(), ann).ok());
  EXPECT_EQ(accounts().GetUser(ann).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(SessionCode(grant), StatusCode::kUnauthenticated);
  EXPECT_EQ(accounts().AuthenticateKey(ann_key.secret).status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions WHERE user_id = " + std::to_string(ann)), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_keys WHERE user_id = " + std::to_string(ann)), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM threads WHERE user_id = " + std::to_string(ann)), 0);
  EXPECT_EQ(accounts().ListMembers(ws)->size(), 1u);
  // Bob keeps everything.
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_keys"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM threads"), 1);
  EXPECT_EQ(accounts().DeleteUser(CommandLine(), ann).code(), StatusCode::kNotFound);
}

TEST_F(AccountServiceTest, AuditRecordsEveryChangeAndNeverASecret) {
  const int64_t ann = AddUser("ann", Role::kAdmin);
  const int64_t bob = AddUser("bob");
  const int64_t ws = MakeWorkspace("notes");
  Principal ann_actor = *accounts().PrincipalForUser(ann);
  SessionGrant grant = LoginOk("ann");
  ASSERT_EQ(accounts().Login("bob", kOtherPassword, "10.0.0.9").status().code(),
            StatusCode::kUnauthenticated);
  // A password typed into the name box.
  ASSERT_EQ(accounts().Login(std::string(kOtherPassword), kPassword, "").status().code(),
            StatusCode::kUnauthenticated);
  ASSERT_TRUE(accounts().SetRole(ann_actor, bob, Role::kManager).ok());
  ASSERT_TRUE(accounts().SetSuspended(ann_actor, bob, true).ok());
  ASSERT_TRUE(accounts().SetSuspended(ann_actor, bob, false).ok());
  ASSERT_TRUE(accounts().SetPassword(ann_actor, bob, kOtherPassword).ok());
  NewApiKey key = CreateKey(bob);
  ASSERT_TRUE(accounts().RevokeKey(ann_actor, key.info.id).ok());
  ASSERT_TRUE(accounts().AddMember(ann_actor, ws, bob).ok());
  ASSERT_TRUE(accounts().RemoveMember(ann_actor, ws, bob).ok());
  ASSERT_TRUE(accounts().DeleteUser(ann_actor, bob).ok());
  ASSERT_TRUE(accounts().Record(ann_actor, "workspace_created", "workspace:1", "slug=notes",
                                "10.0.0.1").ok());
  for (const char* action :
       {"user_created", "login", "login_failed", "role_changed", "suspended", "unsuspended",
        "password_changed", "key_created", "key_revoked", "member_added", "member_removed",
        "user_deleted", "workspace_created"}) {
    EXPECT_GE(CountAudit(action), 1) << action;
  }
  const std::vector<AuditEvent> events = Audit();
  const AuditEvent& newest = events.front();
  EXPECT_EQ(newest.action, "workspace_created");
  EXPECT_EQ(newest.actor_user_id, ann);
  EXPECT_EQ(newest.actor_name, "ann");
  EXPECT_EQ(newest.address, "10.0.0.1");
  EXPECT_EQ(newest.at_ms, NowMs());
  for (const AuditEvent& event : events) {
    for (const std::string& field : {event.actor_name, event.action, event.target, event.detail,
                                     event.address}) {
      for (std::string_view secret : {kPassword, kOtherPassword, std::string_view(key.secret),
                                      std::string_view(grant.session_token),
                                      std::string_view(grant.csrf_token)}) {
        EXPECT_EQ(field.find(secret), std::string::npos) << event.action << ": " << field;
      }
    }
  }
  // Paging: newest first, then before the last id seen.
  auto page = accounts().ListAudit(2, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  auto next = accounts().ListAudit(2, page->back().id);
  ASSERT_TRUE(next.ok());
  EXPECT_LT(next->front().id, page->back().id);
  EXPECT_EQ(accounts().ListAudit(0, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(accounts().ListAudit(1001, 0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
