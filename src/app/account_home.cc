#include "app/account_home.h"

#include "base/clock.h"
#include "base/status_macros.h"
#include "store/database.h"
#include "store/workspace_table.h"

namespace hearth {

StatusOr<std::unique_ptr<AccountHome>> AccountHome::Open(const std::filesystem::path& home,
                                                         AccountOptions options) {
  const DatabaseOptions database{.path = home / "hearth.db"};
  std::unique_ptr<AccountHome> opened(new AccountHome());
  opened->database_ = database.path;
  ASSIGN_OR_RETURN(opened->writer_, WriteQueue::Open({.database = database}));
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, Database::Open(database));
  opened->accounts_ = std::make_unique<AccountService>(std::move(reader), *opened->writer_,
                                                       Clock::Real(), std::move(options));
  return opened;
}

AccountHome::~AccountHome() {
  accounts_.reset();
  if (writer_) writer_->Shutdown();
}

StatusOr<int64_t> AccountHome::WorkspaceId(std::string_view slug) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open({.path = database_}));
  ASSIGN_OR_RETURN(WorkspaceRow row, WorkspaceTable(*db).GetBySlug(slug));
  return row.id;
}

Principal CommandLineActor() {
  Principal actor;
  actor.kind = Principal::Kind::kLocalOwner;
  actor.user_name = "command line";
  return actor;
}

StatusOr<bool> CreateFirstAdmin(AccountService& accounts, std::string_view name,
                                std::string_view password) {
  if (password.empty()) return false;
  ASSIGN_OR_RETURN(bool multi_user, accounts.MultiUser());
  if (multi_user) return false;
  RETURN_IF_ERROR(accounts.AddUser(CommandLineActor(), name, password, Role::kAdmin).status());
  return true;
}

}  // namespace hearth
