#include "store/row_checks.h"

#include "base/utf8.h"

namespace hearth::internal {

Status CheckText(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgumentError(std::string(field) + " contains a NUL byte; remove it");
  }
  if (!IsValidUtf8(value)) {
    return InvalidArgumentError(std::string(field) + " is not valid UTF-8");
  }
  if (value.size() > max_bytes) {
    return InvalidArgumentError(std::string(field) + " is " + std::to_string(value.size()) +
                                " bytes; the limit is " + std::to_string(max_bytes));
  }
  return OkStatus();
}

Status ExpectChanged(const Database& db, std::string_view what) {
  if (db.ChangedRows() > 0) return OkStatus();
  return NotFoundError(std::string(what) + " does not exist");
}

std::string RowName(std::string_view kind, int64_t id) {
  return std::string(kind) + " " + std::to_string(id);
}

}  // namespace hearth::internal
