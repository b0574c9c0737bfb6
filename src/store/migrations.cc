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
    {2, "model_events",
     R"sql(
       CREATE TABLE model_events (
         id          INTEGER PRIMARY KEY,
         at          INTEGER NOT NULL,  -- unix milliseconds
         model       TEXT NOT NULL,     -- display name, e.g. "llama3.2:latest"
         kind        TEXT NOT NULL,     -- load | unload | load_failed | crash
         reason      TEXT NOT NULL,     -- why, in words a user reads
         duration_ms INTEGER NOT NULL,  -- how long the load or unload took
         bytes       INTEGER NOT NULL   -- the model's footprint (estimated or measured)
       ) STRICT;
       CREATE INDEX model_events_by_time ON model_events (at);
     )sql"},
};

}  // namespace

std::span<const Migration> AllMigrations() { return kMigrations; }

}  // namespace hearth::internal
