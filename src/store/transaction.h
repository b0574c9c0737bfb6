// Transaction: an RAII scope of atomic work on a Database.
//
// Begin() starts a write transaction (BEGIN IMMEDIATE, so the write lock is
// taken up front and a busy database fails at Begin, not half-way through).
// Inside an open transaction it starts a SAVEPOINT instead, so typed table
// calls that need atomicity also work inside the WriteQueue's group commit.
// Commit() makes the work durable (or releases the savepoint into the outer
// transaction); destroying an uncommitted Transaction rolls its work back.
//
// Thread model: externally synchronized, like the Database it borrows; the
// Database must outlive the Transaction. Nested transactions must end in the
// reverse order they began (as scopes do).
//
// Example:
//   ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
//   RETURN_IF_ERROR(db.Execute("DELETE FROM chunks WHERE document_id = 7"));
//   RETURN_IF_ERROR(db.Execute("DELETE FROM documents WHERE id = 7"));
//   return transaction.Commit();
#ifndef HEARTH_STORE_TRANSACTION_H_
#define HEARTH_STORE_TRANSACTION_H_

#include "base/status.h"
#include "store/database.h"

namespace hearth {

class Transaction {
 public:
  // Starts a transaction, or a savepoint when `db` is already in one.
  // Errors: Unavailable when another connection holds the write lock past
  // the busy timeout; Internal for other SQLite failures.
  static StatusOr<Transaction> Begin(Database& db);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Rolls back unless Commit() succeeded.
  ~Transaction();

  // Commits (or releases the savepoint). Call at most once. On error the
  // work is rolled back by the destructor.
  Status Commit();

 private:
  Transaction(Database& db, bool nested) : db_(&db), nested_(nested) {}
  void Rollback();

  Database* db_;  // borrowed; null once committed or moved from
  bool nested_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_TRANSACTION_H_
