// AccountHome: the accounts of a hearth home without the rest of the
// knowledge base, for the `hearth user` verbs (which work whether or not a
// server is running: SQLite serializes the two writers) and for the first
// admin from HEARTH_ADMIN_PASSWORD at `hearth serve`'s first start.
//
// Thread-safety: as AccountService.
#ifndef HEARTH_APP_ACCOUNT_HOME_H_
#define HEARTH_APP_ACCOUNT_HOME_H_

#include <filesystem>
#include <memory>
#include <string_view>

#include "app/account_service.h"
#include "base/status.h"
#include "store/write_queue.h"

namespace hearth {

class AccountHome {
 public:
  static StatusOr<std::unique_ptr<AccountHome>> Open(const std::filesystem::path& home,
                                                     AccountOptions options = {});
  ~AccountHome();

  AccountService& accounts() { return *accounts_; }

  // The id of the workspace `slug` (for memberships). Errors: NotFound.
  StatusOr<int64_t> WorkspaceId(std::string_view slug);

 private:
  AccountHome() = default;

  std::filesystem::path database_;
  std::unique_ptr<WriteQueue> writer_;
  std::unique_ptr<AccountService> accounts_;
};

// The local owner acting from the command line (for the audit log).
Principal CommandLineActor();

// At the first start: when no user exists and `password` is not empty,
// creates the admin `name` with it (multi-user mode from then on). Returns
// true when it did.
StatusOr<bool> CreateFirstAdmin(AccountService& accounts, std::string_view name,
                                std::string_view password);

}  // namespace hearth

#endif  // HEARTH_APP_ACCOUNT_HOME_H_
