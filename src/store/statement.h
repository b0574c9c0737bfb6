// A prepared SQLite statement with typed binding and row access.
//
// Obtained from Database::Prepare(); valid while its Database lives.
// Thread model: externally synchronized, like the Database it came from.
//
// Example:
//   ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT value FROM settings WHERE key = ?1"));
//   RETURN_IF_ERROR(stmt.Bind(1, "theme"));
//   ASSIGN_OR_RETURN(bool has_row, stmt.Step());
//   if (has_row) value = stmt.ColumnText(0);
#ifndef HEARTH_STORE_STATEMENT_H_
#define HEARTH_STORE_STATEMENT_H_

#include <cstdint>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3_stmt;

namespace hearth {

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based, as SQLite counts). Text is copied; an
  // empty view (even a null one) binds the empty string, never NULL.
  Status Bind(int index, std::string_view text);
  Status Bind(int index, int64_t value);
  // Binds a REAL. Not a Bind overload: an int argument would be ambiguous.
  Status BindDouble(int index, double value);
  Status BindNull(int index);
  // Binds a BLOB. The bytes are copied.
  Status BindBlob(int index, std::span<const std::byte> bytes);

  // Advances to the next row: true when a row is available, false when done.
  // A UNIQUE or PRIMARY KEY violation returns AlreadyExists, a FOREIGN KEY
  // violation NotFound (the referenced row is missing), a CHECK or NOT NULL
  // violation InvalidArgument; a busy database Unavailable.
  StatusOr<bool> Step();

  // Runs the statement to completion, ignoring rows.
  Status Run();

  // Makes the statement ready to run again; bindings are kept.
  void Reset();

  // Column accessors for the current row (0-based).
  std::string ColumnText(int column) const;
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  // The column's bytes; empty for NULL. Copied out of SQLite's buffer.
  std::string ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Database;
  struct Deleter {
    void operator()(sqlite3_stmt* stmt) const;
  };
  Statement(sqlite3_stmt* stmt, std::string sql);
  Status CheckBind(int rc, int index) const;

  std::unique_ptr<sqlite3_stmt, Deleter> stmt_;
  std::string sql_;  // kept for error messages
};

namespace internal {

// The message of the InsufficientStorage status a full disk (SQLITE_FULL)
// becomes, with SQLite's own words in `detail`.
std::string DiskFullMessage(std::string_view detail);

}  // namespace internal

}  // namespace hearth

#endif  // HEARTH_STORE_STATEMENT_H_
