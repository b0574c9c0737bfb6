// IngestionService: takes uploaded documents and makes them searchable in
// the background.
//
// Submit() stores the original as a content-addressed blob, adds the document
// to its workspace (the same content twice in one workspace is one
// document), creates an ingest job and queues it. A pool of workers runs the
// jobs (app/ingest_job.h). At start, jobs a previous run left queued or
// running (a crash, kill -9, a shutdown mid-job) are queued again and resume
// from their last committed batch.
//
// It also runs reembed jobs (app/reembed_job.h), which move a workspace with
// documents to another embedder: UpdateWorkspace() starts one when a
// settings change names a new embedder, SubmitReembed() directly. They share
// the workers and the queue with ingest jobs and resume at start the same way.
//
// A job that ends with an error its own row could not record (the disk
// holding the database is full: marking it failed is a write too) is
// stalled: its row still says running, StallReason() says why, and it runs
// again every kStalledJobRetry until it gets through (from its last committed
// batch), so freeing space is enough; no restart is needed.
//
// Thread-safety: thread-safe. Shutdown() (or the destructor) stops the
// workers: a running job stops after its current batch and resumes at the
// next start.
#ifndef HEARTH_APP_INGESTION_SERVICE_H_
#define HEARTH_APP_INGESTION_SERVICE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/ingest_job.h"
#include "app/token_counter_cache.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/job_table.h"
#include "store/workspace_table.h"

namespace hearth {

// How long a stalled job waits before it runs again.
inline constexpr std::chrono::seconds kStalledJobRetry{30};

struct IngestionOptions {
  // Documents converted and embedded at the same time.
  int workers = 1;
  // Jobs that may wait; Submit() refuses more with ResourceExhausted.
  size_t max_queued_jobs = 10'000;
  // Chunks per embedding request and per committed transaction.
  size_t batch_size = 64;
  // Largest original accepted.
  uint64_t max_document_bytes = 256ull << 20;
  DocumentConverterOptions converter;
};

// What UpdateWorkspace did about the embedder.
struct WorkspaceUpdate {
  // The unfinished reembed job of the workspace (the one just started, or
  // one already running to the same embedder); 0 when none.
  int64_t reembed_job = 0;
  std::string pending_embedder;  // its target; "" when none
};

struct SubmittedDocument {
  int64_t document_id = 0;
  int64_t job_id = 0;  // 0 for a duplicate
  bool duplicate = false;
};

class IngestionService {
 public:
  // `context` names the shared parts (writer, stores, scheduler, indexes);
  // its converter and batch_size are taken from `options`. Queues the
  // unfinished jobs and starts the workers.
  static StatusOr<std::unique_ptr<IngestionService>> Start(const IngestionOptions& options,
                                                           IngestContext context);
  ~IngestionService();

  // Stores and queues one document, uploaded by `uploaded_by` (a user id;
  // 0: the single-user local owner). Errors: InvalidArgument for an empty or
  // oversized file or a bad name; NotFound for an unknown workspace;
  // ResourceExhausted when the queue is full (nothing stored then).
  StatusOr<SubmittedDocument> Submit(int64_t workspace_id, std::string_view name,
                                     std::string_view bytes, int64_t uploaded_by = 0);

  // Queues a reembed job moving the workspace to `target_embedder`, and
  // cancels its unfinished reembed jobs, in one transaction. Returns the job.
  // Errors: InvalidArgument for a malformed model name; NotFound for a model
  // that is not installed or an unknown workspace. Nothing is written on
  // error.
  StatusOr<int64_t> SubmitReembed(int64_t workspace_id, std::string target_embedder);

  // Applies `settings` to the workspace in one transaction (the settings
  // PATCH). When `embedder_named` is false, settings.embedder is ignored and
  // the embedder (and any pending reembed) stays as it is. Otherwise:
  //  - the current embedder, or a workspace without documents: the embedder
  //    is set at once and unfinished reembed jobs are cancelled;
  //  - another embedder for a workspace with documents: the workspace keeps
  //    its embedder for now, a reembed job to the new one is started (or the
  //    unfinished one to that same embedder kept, the others cancelled); the
  //    workspace switches when it is done.
  // The other settings apply at once. Errors: NotFound for an unknown
  // workspace, or (reembed case) a model that is not installed;
  // InvalidArgument for bad settings or a malformed model name. Nothing
  // changes on error.
  StatusOr<WorkspaceUpdate> UpdateWorkspace(int64_t workspace_id, WorkspaceSettings settings,
                                            bool embedder_named);

  // Blocks until no job is queued or running (tests, `hearth ingest`);
  // stalled jobs do not count.
  void WaitIdle();

  // Why job `job_id` is stalled (the error it last ended with, which its
  // row could not record), or nullopt when it is not.
  std::optional<std::string> StallReason(int64_t job_id);

  void Shutdown();

 private:
  IngestionService(const IngestionOptions& options, IngestContext context);
  struct QueuedJob {
    int64_t id = 0;
    JobKind kind = JobKind::kIngest;
  };

  struct StalledJob {
    QueuedJob job;
    std::string reason;
    std::chrono::steady_clock::time_point retry_at;
  };

  void Enqueue(QueuedJob job);
  void Work(std::stop_token stop);
  // The next job to run, or nullopt when stopping. Queues the stalled jobs
  // whose retry is due; waits until there is a job or a retry falls due.
  std::optional<QueuedJob> NextJob();
  // After `job` failed with `outcome`: stalls it when its row still says it
  // is unfinished.
  void StallIfUnrecorded(const QueuedJob& job, const Status& outcome);
  // Whether a worker that finished a job should write the index files now
  // (and, if so, notes the time).
  bool IndexSaveDue();
  Status Write(WriteQueue::Work work);

  const IngestionOptions options_;
  IngestContext context_;
  TokenCounterCache tokenizers_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<QueuedJob> queue_ GUARDED_BY(mu_);
  std::map<int64_t, StalledJob> stalled_ GUARDED_BY(mu_);  // by job id
  int running_ GUARDED_BY(mu_) = 0;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::chrono::steady_clock::time_point last_index_save_ GUARDED_BY(mu_);
  std::vector<std::jthread> workers_;
};

}  // namespace hearth

#endif  // HEARTH_APP_INGESTION_SERVICE_H_
