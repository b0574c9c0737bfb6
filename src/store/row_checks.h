// Helpers shared by the typed tables (workspace_table, document_table, ...):
// input checks and the SQL for "now". Internal to store/.
#ifndef HEARTH_STORE_ROW_CHECKS_H_
#define HEARTH_STORE_ROW_CHECKS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/database.h"

namespace hearth::internal {

// Unix milliseconds, evaluated by SQLite (stable within one statement).
inline constexpr std::string_view kNowMillisSql =
    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

// InvalidArgument naming `field` when `value` holds a NUL byte, is not valid
// UTF-8, or is longer than `max_bytes`.
Status CheckText(std::string_view field, std::string_view value, size_t max_bytes);

// NotFound("<what> does not exist") when the last statement on `db` changed
// no row; OK otherwise.
Status ExpectChanged(const Database& db, std::string_view what);

// "<kind> <id>", e.g. "document 7", for error messages.
std::string RowName(std::string_view kind, int64_t id);

}  // namespace hearth::internal

#endif  // HEARTH_STORE_ROW_CHECKS_H_
