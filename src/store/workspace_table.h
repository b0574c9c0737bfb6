// WorkspaceTable: typed access to the workspaces table.
//
// A workspace groups documents under one embedding model and one chunking
// setup; its slug names it in URLs and on the command line.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   WorkspaceTable workspaces(db);
//   ASSIGN_OR_RETURN(int64_t id, workspaces.Create("notes", {.name = "Notes",
//                                                            .embedder = "nomic-embed-text"}));
//   ASSIGN_OR_RETURN(WorkspaceRow row, workspaces.GetBySlug("notes"));
#ifndef HEARTH_STORE_WORKSPACE_TABLE_H_
#define HEARTH_STORE_WORKSPACE_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// How vectors are stored in the workspace's index.
enum class VectorType { kF16, kI8 };

// "f16" or "i8".
std::string_view VectorTypeName(VectorType type);

// The user-editable part of a workspace.
struct WorkspaceSettings {
  std::string name;              // shown to users; 1..200 bytes of UTF-8
  std::string embedder;          // embedding model name; "" until one is chosen
  int64_t chunk_tokens = 400;    // 1..65536
  int64_t chunk_overlap_tokens = 60;  // 0 .. chunk_tokens-1
  VectorType vector_type = VectorType::kF16;
};

struct WorkspaceRow {
  int64_t id = 0;
  std::string slug;
  WorkspaceSettings settings;
  int64_t created_at_ms = 0;  // unix milliseconds
  int64_t updated_at_ms = 0;
};

// OK when `slug` is 1..64 characters of [a-z0-9-]; InvalidArgument naming
// the slug and the rule otherwise.
Status ValidateWorkspaceSlug(std::string_view slug);

class WorkspaceTable {
 public:
  explicit WorkspaceTable(Database& db) : db_(db) {}

  // Creates a workspace and returns its id.
  // Errors: InvalidArgument for a bad slug or settings; AlreadyExists when
  // the slug is taken. Nothing is written on error.
  StatusOr<int64_t> Create(std::string_view slug, const WorkspaceSettings& settings);

  // Errors: NotFound.
  StatusOr<WorkspaceRow> Get(int64_t id);
  StatusOr<WorkspaceRow> GetBySlug(std::string_view slug);

  // All workspaces, ordered by slug.
  StatusOr<std::vector<WorkspaceRow>> List();

  // Replaces the settings of workspace `id`. Changing the embedder does not
  // touch chunks or indexes; the caller starts a reembed job.
  // Errors: InvalidArgument for bad settings; NotFound.
  Status Update(int64_t id, const WorkspaceSettings& settings);

  // Deletes the workspace with its documents, chunks and jobs, and its rows
  // in the index change log (the caller deletes its vector index files).
  // Errors: NotFound.
  Status Delete(int64_t id);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_WORKSPACE_TABLE_H_
