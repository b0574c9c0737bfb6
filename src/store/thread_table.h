// ThreadTable: typed access to the threads table.
//
// A thread is one conversation in a workspace: an ordered list of messages
// (store/message_table.h). Its context epoch counts how many times the
// server rebuilt the thread's prompt from scratch; each message records the
// epoch it was answered in, so the server can tell which passages the
// current prompt already holds (MessageTable::ListSourceChunkIds).
//
// A thread belongs to the user who created it (user_id; 0 is the
// single-user local owner): in multi-user mode only its owner and admins see
// it (ListByWorkspaceAndUser is what a non-admin lists).
//
// Deleting a workspace deletes its threads; deleting a thread deletes its
// messages and their sources. Deleting a user does not (user_id is no
// foreign key): the caller calls DeleteByUser.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it). Writes normally run on the WriteQueue's connection.
//
// Example:
//   ThreadTable threads(db);
//   ASSIGN_OR_RETURN(int64_t id, threads.Create(workspace_id, "Walrus questions"));
//   ASSIGN_OR_RETURN(std::vector<ThreadRow> rows, threads.ListByWorkspace(workspace_id));
#ifndef HEARTH_STORE_THREAD_TABLE_H_
#define HEARTH_STORE_THREAD_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

// The longest thread title, in bytes of UTF-8.
inline constexpr size_t kMaxThreadTitleBytes = 200;

struct ThreadRow {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string title;           // 0..200 bytes of UTF-8
  int64_t created_at_ms = 0;   // unix milliseconds
  int64_t updated_at_ms = 0;   // last Touch, SetTitle, BumpEpoch or appended message
  int64_t context_epoch = 0;   // 0 for a new thread
  int64_t user_id = 0;         // the owner; 0: the single-user local owner
};

class ThreadTable {
 public:
  explicit ThreadTable(Database& db) : db_(db) {}

  // Creates a thread owned by `user_id` in workspace `workspace_id` and
  // returns its id. The user is not checked (0 is the local owner).
  // Errors: InvalidArgument for a bad title (NUL byte, not UTF-8, over 200
  // bytes); NotFound when the workspace does not exist. Nothing is written
  // on error.
  StatusOr<int64_t> Create(int64_t workspace_id, std::string_view title, int64_t user_id = 0);

  // Errors: NotFound naming the thread.
  StatusOr<ThreadRow> Get(int64_t id);

  // The workspace's threads, most recently updated first (ties: newest id
  // first). Empty for an unknown workspace.
  StatusOr<std::vector<ThreadRow>> ListByWorkspace(int64_t workspace_id);

  // As ListByWorkspace, only the threads `user_id` owns.
  StatusOr<std::vector<ThreadRow>> ListByWorkspaceAndUser(int64_t workspace_id, int64_t user_id);

  // Deletes every thread `user_id` owns (in all workspaces) with their
  // messages; returns how many threads were deleted.
  StatusOr<int64_t> DeleteByUser(int64_t user_id);

  // Deletes the thread with its messages and their sources.
  // Errors: NotFound naming the thread.
  Status Delete(int64_t id);

  // Sets updated_at to now. Errors: NotFound naming the thread.
  Status Touch(int64_t id);

  // Increments the thread's context epoch (and sets updated_at to now);
  // returns the new epoch. Errors: NotFound naming the thread.
  StatusOr<int64_t> BumpEpoch(int64_t id);

  // Replaces the title (and sets updated_at to now).
  // Errors: InvalidArgument for a bad title, as in Create; NotFound naming
  // the thread. Nothing is written on error.
  Status SetTitle(int64_t id, std::string_view title);

 private:
  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_THREAD_TABLE_H_
