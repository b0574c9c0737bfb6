#include "store/statement.h"

#include <sqlite3.h>

#include <utility>

#include "base/status_macros.h"

namespace hearth {

void Statement::Deleter::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Statement::Statement(sqlite3_stmt* stmt, std::string sql) : stmt_(stmt), sql_(std::move(sql)) {}
Statement::Statement(Statement&&) noexcept = default;
Statement& Statement::operator=(Statement&&) noexcept = default;
Statement::~Statement() = default;

Status Statement::CheckBind(int rc, int index) const {
  if (rc == SQLITE_OK) return OkStatus();
  return InternalError("binding parameter " + std::to_string(index) + " of '" + sql_ +
                       "': " + sqlite3_errstr(rc));
}

Status Statement::Bind(int index, std::string_view text) {
  // A default-constructed view has a null data(), which SQLite would bind as
  // NULL rather than as the empty string.
  const char* data = text.data() != nullptr ? text.data() : "";
  return CheckBind(sqlite3_bind_text64(stmt_.get(), index, data, text.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8),
                   index);
}

Status Statement::Bind(int index, int64_t value) {
  return CheckBind(sqlite3_bind_int64(stmt_.get(), index, value), index);
}

Status Statement::BindDouble(int index, double value) {
  return CheckBind(sqlite3_bind_double(stmt_.get(), index, value), index);
}

Status Statement::BindNull(int index) {
  return CheckBind(sqlite3_bind_null(stmt_.get(), index), index);
}

Status Statement::BindBlob(int index, std::span<const std::byte> bytes) {
  return CheckBind(sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(),
                                       SQLITE_TRANSIENT),
                   index);
}

namespace internal {

std::string DiskFullMessage(std::string_view detail) {
  return "the disk holding the database is full (" + std::string(detail) +
         "); the change was not saved; free space and retry";
}

}  // namespace internal

namespace {

Status ConstraintError(int rc, const std::string& detail) {
  switch (rc) {
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return NotFoundError("a referenced row does not exist (" + detail + ")");
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return InvalidArgumentError("a value is out of range (" + detail + ")");
    default:
      return AlreadyExistsError(detail);
  }
}

}  // namespace

StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string detail = sqlite3_errmsg(sqlite3_db_handle(stmt_.get()));
  Reset();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return ConstraintError(rc, detail);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return UnavailableError("database is busy: " + detail);
  }
  if ((rc & 0xff) == SQLITE_FULL) {
    return InsufficientStorageError(internal::DiskFullMessage(detail));
  }
  return InternalError("running '" + sql_ + "': " + detail);
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, Step());
    if (!has_row) break;
  }
  Reset();
  return OkStatus();
}

void Statement::Reset() { sqlite3_reset(stmt_.get()); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::ColumnDouble(int column) const {
  return sqlite3_column_double(stmt_.get(), column);
}

std::string Statement::ColumnBlob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_.get(), column);
  if (bytes == nullptr) return {};
  return std::string(static_cast<const char*>(bytes),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

}  // namespace hearth
