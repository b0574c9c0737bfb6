// The schema of hearth's database as an ordered list of migrations.
//
// Each migration moves the schema from version N-1 to N. Migrations are only
// ever appended: a released migration is never edited, because databases in
// the field have already applied it.
#ifndef HEARTH_STORE_MIGRATIONS_H_
#define HEARTH_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace hearth::internal {

struct Migration {
  int version;           // 1, 2, 3, ... without gaps
  std::string_view name;  // shown in logs and errors
  std::string_view sql;   // one or more statements
};

// All migrations, in version order.
std::span<const Migration> AllMigrations();

}  // namespace hearth::internal

#endif  // HEARTH_STORE_MIGRATIONS_H_
