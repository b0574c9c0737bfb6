#include "store/migrations.h"

namespace hearth::internal {
namespace {

constexpr Migration kMigrations[] = {
    {1, "settings",
     R"sql(
       CREATE TABLE settings (
         key        TEXT PRIMARY KEY,
         value      TEXT NOT NULL,
         updated_at INTEGER NOT NULL  -- unix milliseconds
       ) STRICT;
     )sql"},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

}  // namespace hearth::internal
