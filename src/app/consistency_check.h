// CheckKnowledgeBase: do SQLite, the full-text index, the embedding cache,
// the lexical and vector indexes and the stored originals agree? (`hearth
// check`)
//
// SQLite is the source of truth. What is derived from it (the FTS index, the
// lexical and vector index files) is repaired when `repair` is set: the FTS
// index is rebuilt, and a lexical or vector index that is missing, corrupt or
// stale is rebuilt and saved. What cannot be derived (a missing original, a chunk without its
// vector, SQLite's own damage) is reported, never "repaired" by deleting.
//
// Run it while no server writes (a running server's writes would show as
// transient disagreements).
#ifndef HEARTH_APP_CONSISTENCY_CHECK_H_
#define HEARTH_APP_CONSISTENCY_CHECK_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "models/model_store.h"

namespace hearth {

struct ConsistencyReport {
  int64_t workspaces = 0;
  int64_t documents = 0;
  int64_t chunks = 0;
  int64_t vectors = 0;         // in the vector indexes, after catching up
  int64_t lexical_chunks = 0;  // in the lexical indexes, after catching up
  int64_t unfinished_jobs = 0;  // resume at the next start
  // Disagreements that remain (empty: consistent).
  std::vector<std::string> problems;
  // What was derived again ("rebuilt the vector index of 'docs': ...").
  std::vector<std::string> repairs;
  // What is as expected but worth saying: an index file not saved yet (a
  // server killed before it wrote one) is rebuilt at the next start.
  std::vector<std::string> notes;

  bool consistent() const { return problems.empty(); }
};

// Errors: only when the check itself cannot run (no database, I/O errors);
// disagreements are in the report.
StatusOr<ConsistencyReport> CheckKnowledgeBase(const std::filesystem::path& home,
                                               const ModelStore& models, bool repair);

}  // namespace hearth

#endif  // HEARTH_APP_CONSISTENCY_CHECK_H_
