// `hearth user VERB ...`: the people of a multi-user hearth, from the
// command line of the machine it runs on (which is how the first admin is
// made: never by a web signup).
//
//   hearth user add NAME [--role admin|manager|default]   password prompted,
//                                                         or one line on stdin
//   hearth user list
//   hearth user passwd NAME                               new password, as above
//   hearth user role NAME ROLE
//   hearth user suspend NAME | hearth user unsuspend NAME
//   hearth user rm NAME
//   hearth user join NAME WORKSPACE | hearth user leave NAME WORKSPACE
//
// Works whether or not the server runs (they share the database); every
// change ends the user's sessions where the API would, and is audited.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "app/account_home.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/global_options.h"
#include "cli/store_verbs.h"
#include "cli/text_table.h"

namespace hearth::cli {
namespace {

constexpr char kUsage[] =
    "hearth user add NAME [--role ROLE] | list | passwd NAME | role NAME ROLE | "
    "suspend NAME | unsuspend NAME | rm NAME | join NAME WORKSPACE | leave NAME WORKSPACE";

// Reads a line from the terminal without echo.
std::string ReadHidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  const bool terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (terminal) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  return line;
}

// A new password: asked twice on a terminal, else one line of stdin.
StatusOr<std::string> NewPassword() {
  if (!isatty(STDIN_FILENO)) {
    std::string line;
    if (!std::getline(std::cin, line)) return InvalidArgumentError("no password on stdin");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  std::string first = ReadHidden("password: ");
  std::string second = ReadHidden("again: ");
  if (first != second) return InvalidArgumentError("the two passwords differ");
  return first;
}

StatusOr<Role> RoleArgument(std::string_view name) {
  std::optional<Role> role = ParseRole(name);
  if (!role) return InvalidArgumentError("unknown role '" + std::string(name) + "' (use admin, manager or default)");
  return *role;
}

Status RequireArgs(const CommandArgs& args, size_t count) {
  if (args.size() != count) return InvalidArgumentError(std::string("usage: ") + kUsage);
  return OkStatus();
}

Status List(AccountService& accounts) {
  ASSIGN_OR_RETURN(std::vector<UserInfo> users, accounts.ListUsers());
  std::vector<std::vector<std::string>> rows = {{"NAME", "ROLE", "STATE", "CREATED"}};
  for (const UserInfo& user : users) {
    rows.push_back({user.name, std::string(RoleName(user.role)),
                    user.suspended ? "suspended" : "active", FormatRfc3339UnixMillis(user.created_at_ms)});
  }
  PrintTable(rows, std::cout);
  if (users.empty()) std::cout << "no users: hearth is in single-user mode\n";
  return OkStatus();
}

Status RunUserVerb(AccountHome& home, const CommandArgs& args, const std::string& role_flag) {
  AccountService& accounts = home.accounts();
  const std::string& verb = args.front();
  const Principal actor = CommandLineActor();
  if (verb == "list") {
    RETURN_IF_ERROR(RequireArgs(args, 1));
    return List(accounts);
  }
  RETURN_IF_ERROR(args.size() >= 2 ? OkStatus() : RequireArgs(args, 2));
  const std::string& name = args[1];
  if (verb == "add") {
    RETURN_IF_ERROR(RequireArgs(args, 2));
    ASSIGN_OR_RETURN(Role role, RoleArgument(role_flag));
    ASSIGN_OR_RETURN(std::string password, NewPassword());
    ASSIGN_OR_RETURN(UserInfo user, accounts.AddUser(actor, name, password, role));
    std::cout << "added " << user.name << " (" << RoleName(user.role) << ")\n";
    return OkStatus();
  }
  ASSIGN_OR_RETURN(UserInfo user, accounts.GetUserByName(name));
  if (verb == "passwd") {
    RETURN_IF_ERROR(RequireArgs(args, 2));
    ASSIGN_OR_RETURN(std::string password, NewPassword());
    return accounts.SetPassword(actor, user.id, password);
  }
  if (verb == "role") {
    RETURN_IF_ERROR(RequireArgs(args, 3));
    ASSIGN_OR_RETURN(Role role, RoleArgument(args[2]));
    return accounts.SetRole(actor, user.id, role);
  }
  if (verb == "suspend" || verb == "unsuspend") {
    RETURN_IF_ERROR(RequireArgs(args, 2));
    return accounts.SetSuspended(actor, user.id, verb == "suspend");
  }
  if (verb == "join" || verb == "leave") {
    RETURN_IF_ERROR(RequireArgs(args, 3));
    ASSIGN_OR_RETURN(int64_t workspace, home.WorkspaceId(args[2]));
    return verb == "join" ? accounts.AddMember(actor, workspace, user.id)
                          : accounts.RemoveMember(actor, workspace, user.id);
  }
  if (verb == "rm") {
    RETURN_IF_ERROR(RequireArgs(args, 2));
    return accounts.DeleteUser(actor, user.id);
  }
  return InvalidArgumentError("unknown user verb '" + verb + "'; usage: " + kUsage);
}

}  // namespace

int RunUser(const CommandArgs& args) {
  GlobalOptions global;
  std::string role = "default";
  OptionBinder binder;
  BindGlobalOptions(binder, global);
  binder.Bind("role", "", &role, "the new user's role: admin, manager or default");
  CommandArgs positional;
  if (auto exit_code = ParseVerbFlags(binder, kUsage, args, &positional)) return *exit_code;
  if (positional.empty()) {
    std::cerr << "usage: " << kUsage << "\n";
    return kExitUsage;
  }
  if (Status applied = ApplyGlobalOptions(global); !applied.ok()) return ReportFailure("user", applied);
  StatusOr<std::unique_ptr<AccountHome>> home = AccountHome::Open(global.home);
  if (!home.ok()) return ReportFailure("user", home.status());
  Status done = RunUserVerb(**home, positional, role);
  if (!done.ok()) return ReportFailure("user", done);
  return kExitOk;
}

}  // namespace hearth::cli
