#include "store/transaction.h"

#include <string>
#include <utility>

#include "base/status_macros.h"

namespace hearth {
namespace {

constexpr char kSavepoint[] = "hearth_transaction";

}  // namespace

StatusOr<Transaction> Transaction::Begin(Database& db) {
  const bool nested = db.InTransaction();
  Status begun = nested ? db.Execute(std::string("SAVEPOINT ") + kSavepoint)
                        : db.Execute("BEGIN IMMEDIATE");
  RETURN_IF_ERROR(begun.WithContext("starting a transaction"));
  return Transaction(db, nested);
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), nested_(other.nested_) {}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Commit() {
  if (db_ == nullptr) return FailedPreconditionError("transaction already ended");
  Status committed = nested_ ? db_->Execute(std::string("RELEASE ") + kSavepoint)
                             : db_->Execute("COMMIT");
  if (!committed.ok()) return committed.WithContext("committing a transaction");
  db_ = nullptr;
  return OkStatus();
}

void Transaction::Rollback() {
  if (db_ == nullptr) return;
  // SQLite may already have rolled back the whole transaction after an I/O or
  // disk-full error; then there is nothing left to undo and these fail.
  if (nested_) {
    db_->Execute(std::string("ROLLBACK TO ") + kSavepoint + "; RELEASE " + kSavepoint)
        .IgnoreError();
  } else if (db_->InTransaction()) {
    db_->Execute("ROLLBACK").IgnoreError();
  }
  db_ = nullptr;
}

}  // namespace hearth
