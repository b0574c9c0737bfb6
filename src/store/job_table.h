// JobTable: the persistent record of ingestion work.
//
// A job is created queued, moves to running when a worker takes it, and ends
// done, failed or cancelled; an ended job never changes state again. Jobs
// left queued or running when hearth stopped are found by ListUnfinished()
// at start and resumed.
//
// Thread model: externally synchronized, like the Database it borrows (which
// must outlive it).
//
// Example:
//   JobTable jobs(db);
//   ASSIGN_OR_RETURN(int64_t job, jobs.Create(JobKind::kIngest, workspace_id, document_id));
//   RETURN_IF_ERROR(jobs.SetState(job, JobState::kRunning));
//   RETURN_IF_ERROR(jobs.UpdateProgress(job, {.pages_done = 3, .chunks_total = 40}));
#ifndef HEARTH_STORE_JOB_TABLE_H_
#define HEARTH_STORE_JOB_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace hearth {

enum class JobKind { kIngest, kReembed };
enum class JobState { kQueued, kRunning, kDone, kFailed, kCancelled };

// "ingest" / "reembed"; "queued", "running", "done", "failed", "cancelled".
std::string_view JobKindName(JobKind kind);
std::string_view JobStateName(JobState state);

struct JobProgress {
  int64_t pages_done = 0;
  int64_t chunks_total = 0;
  int64_t chunks_done = 0;
};

struct JobRow {
  int64_t id = 0;
  JobKind kind = JobKind::kIngest;
  int64_t workspace_id = 0;
  std::optional<int64_t> document_id;  // none for a workspace-wide reembed
  std::string target_embedder;  // a reembed's new embedder (model name); "" for ingest
  JobState state = JobState::kQueued;
  JobProgress progress;
  std::string error;  // why it failed; "" otherwise
  int64_t created_at_ms = 0;  // unix milliseconds
  std::optional<int64_t> started_at_ms;   // first time it ran
  std::optional<int64_t> finished_at_ms;  // when it ended
  int64_t updated_at_ms = 0;
};

class JobTable {
 public:
  explicit JobTable(Database& db) : db_(db) {}

  // Creates a queued job. A job is deleted with its workspace or document.
  // Errors: NotFound when the workspace or document does not exist, or the
  // document is in another workspace.
  StatusOr<int64_t> Create(JobKind kind, int64_t workspace_id,
                           std::optional<int64_t> document_id);

  // Creates a queued reembed job that moves the workspace to
  // `target_embedder`. Errors: NotFound; InvalidArgument for an empty name.
  StatusOr<int64_t> CreateReembed(int64_t workspace_id, std::string_view target_embedder);
  // Errors: NotFound.
  StatusOr<JobRow> Get(int64_t id);

  // Moves an unfinished job to `state`, recording `error` (for kFailed), the
  // start time on the first kRunning and the finish time on an ending state.
  // Errors: NotFound; FailedPrecondition when the job has already ended;
  // InvalidArgument for an error text with NUL bytes or invalid UTF-8.
  Status SetState(int64_t id, JobState state, std::string_view error = {});

  // Errors: NotFound; InvalidArgument for negative counts or chunks_done >
  // chunks_total.
  Status UpdateProgress(int64_t id, const JobProgress& progress);

  // Queued and running jobs, oldest first.
  StatusOr<std::vector<JobRow>> ListUnfinished();

  // The workspace's jobs, newest first.
  StatusOr<std::vector<JobRow>> ListByWorkspace(int64_t workspace_id);

 private:
  StatusOr<std::vector<JobRow>> ListWhere(std::string_view where_and_order,
                                          std::optional<int64_t> parameter);

  Database& db_;
};

}  // namespace hearth

#endif  // HEARTH_STORE_JOB_TABLE_H_
