#include "app/ingestion_service.h"

#include <algorithm>

#include "app/job_embedder.h"
#include "app/reembed_job.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "store/document_table.h"
#include "store/job_table.h"

namespace hearth {

IngestionService::IngestionService(const IngestionOptions& options, IngestContext context)
    : options_(options), context_(std::move(context)) {
  context_.converter = options.converter;
  context_.batch_size = options.batch_size;
  context_.tokenizers = &tokenizers_;
}

StatusOr<std::unique_ptr<IngestionService>> IngestionService::Start(const IngestionOptions& options,
                                                                    IngestContext context) {
  if (options.workers < 1) return InvalidArgumentError("ingestion needs at least one worker");
  if (options.batch_size < 1) return InvalidArgumentError("the embedding batch must be >= 1");
  std::unique_ptr<IngestionService> service(new IngestionService(options, std::move(context)));
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, service->context_.open_reader());
  ASSIGN_OR_RETURN(std::vector<JobRow> unfinished, JobTable(*reader).ListUnfinished());
  for (const JobRow& job : unfinished) {
    HEARTH_LOG(INFO) << "resuming " << JobKindName(job.kind) << " job " << job.id << " ("
                     << JobStateName(job.state) << ", " << job.progress.chunks_done
                     << " chunks committed)";
    service->Enqueue({.id = job.id, .kind = job.kind});
  }
  for (int i = 0; i < options.workers; ++i) {
    service->workers_.emplace_back([raw = service.get()](std::stop_token stop) { raw->Work(stop); });
  }
  return service;
}

IngestionService::~IngestionService() { Shutdown(); }

void IngestionService::Shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  for (std::jthread& worker : workers_) worker.request_stop();
  changed_.notify_all();
  workers_.clear();  // joins
}

StatusOr<SubmittedDocument> IngestionService::Submit(int64_t workspace_id, std::string_view name,
                                                     std::string_view bytes, int64_t uploaded_by) {
  if (bytes.empty()) return InvalidArgumentError("'" + std::string(name) + "' is empty");
  if (bytes.size() > options_.max_document_bytes) {
    return InvalidArgumentError("'" + std::string(name) + "' is larger than the limit of " +
                                std::to_string(options_.max_document_bytes) + " bytes");
  }
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.max_queued_jobs) {
      return ResourceExhaustedError("the ingestion queue is full (" +
                                    std::to_string(options_.max_queued_jobs) +
                                    " documents wait); retry later");
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> blob, context_.documents->NewWriter());
  RETURN_IF_ERROR(blob->Append({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
  ASSIGN_OR_RETURN(const Digest digest, blob->Commit());
  SubmittedDocument submitted;
  Status written = context_.writer->Submit([&](Database& db) -> Status {
    int64_t existing = 0;
    StatusOr<int64_t> document = DocumentTable(db).Insert(
        {.workspace_id = workspace_id, .name = std::string(name),
         .blob_digest = digest.FileName(), .bytes = static_cast<int64_t>(bytes.size()),
         .uploaded_by = uploaded_by},
        &existing);
    if (document.status().code() == StatusCode::kAlreadyExists) {
      submitted = {.document_id = existing, .duplicate = true};
      return OkStatus();
    }
    if (!document.ok()) return document.status();
    submitted.document_id = *document;
    ASSIGN_OR_RETURN(submitted.job_id, JobTable(db).Create(JobKind::kIngest, workspace_id, *document));
    return OkStatus();
  }).get();
  if (!written.ok()) return written;
  if (!submitted.duplicate) Enqueue({.id = submitted.job_id, .kind = JobKind::kIngest});
  return submitted;
}

namespace {

// Cancels the workspace's unfinished reembed jobs, except one whose target
// is `keep` (when there is one); returns that job's id, or 0. Runs in the
// caller's transaction.
StatusOr<int64_t> CancelReembedsExcept(Database& db, int64_t workspace_id, std::string_view keep) {
  ASSIGN_OR_RETURN(const std::vector<JobRow> unfinished, UnfinishedReembeds(db, workspace_id));
  int64_t kept = 0;
  for (const JobRow& job : unfinished) {
    if (kept == 0 && !keep.empty() && job.target_embedder == keep) {
      kept = job.id;
      continue;
    }
    RETURN_IF_ERROR(JobTable(db).SetState(job.id, JobState::kCancelled));
  }
  return kept;
}

}  // namespace

Status IngestionService::Write(WriteQueue::Work work) {
  return context_.writer->Submit(std::move(work)).get();
}

StatusOr<int64_t> IngestionService::SubmitReembed(int64_t workspace_id,
                                                  std::string target_embedder) {
  RETURN_IF_ERROR(ResolveJobEmbedder(*context_.models, target_embedder).status());
  int64_t job = 0;
  RETURN_IF_ERROR(Write([&](Database& db) -> Status {
    RETURN_IF_ERROR(CancelReembedsExcept(db, workspace_id, {}).status());
    ASSIGN_OR_RETURN(job, JobTable(db).CreateReembed(workspace_id, target_embedder));
    return OkStatus();
  }));
  Enqueue({.id = job, .kind = JobKind::kReembed});
  return job;
}

StatusOr<WorkspaceUpdate> IngestionService::UpdateWorkspace(int64_t workspace_id,
                                                            WorkspaceSettings settings,
                                                            bool embedder_named) {
  // Resolved outside the transaction (it reads the model store); needed only
  // when a reembed starts.
  const Status target = embedder_named
                            ? ResolveJobEmbedder(*context_.models, settings.embedder).status()
                            : OkStatus();
  WorkspaceUpdate update;
  bool started = false;
  RETURN_IF_ERROR(Write([&](Database& db) -> Status {
    ASSIGN_OR_RETURN(const WorkspaceRow current, WorkspaceTable(db).Get(workspace_id));
    ASSIGN_OR_RETURN(const std::vector<DocumentRow> documents,
                     DocumentTable(db).ListByWorkspace(workspace_id));
    if (!embedder_named) {
      settings.embedder = current.settings.embedder;
    } else if (settings.embedder == current.settings.embedder || documents.empty()) {
      RETURN_IF_ERROR(CancelReembedsExcept(db, workspace_id, {}).status());
    } else {
      ASSIGN_OR_RETURN(int64_t job, CancelReembedsExcept(db, workspace_id, settings.embedder));
      if (job == 0) {
        RETURN_IF_ERROR(target.WithContext("re-embedding workspace '" + current.slug + "'"));
        ASSIGN_OR_RETURN(job, JobTable(db).CreateReembed(workspace_id, settings.embedder));
        started = true;
      }
      settings.embedder = current.settings.embedder;  // until the job switches it
    }
    RETURN_IF_ERROR(WorkspaceTable(db).Update(workspace_id, settings));
    ASSIGN_OR_RETURN(const std::vector<JobRow> pending, UnfinishedReembeds(db, workspace_id));
    if (!pending.empty()) {
      update = {.reembed_job = pending.front().id,
                .pending_embedder = pending.front().target_embedder};
    }
    return OkStatus();
  }));
  if (started) Enqueue({.id = update.reembed_job, .kind = JobKind::kReembed});
  return update;
}

void IngestionService::Enqueue(QueuedJob job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(job);
  }
  changed_.notify_all();
}

void IngestionService::WaitIdle() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return stopping_ || (queue_.empty() && running_ == 0); });
}

// The index files are written when the queue has drained, and at least
// every kIndexSaveInterval while it has not: writing them after every
// document would rewrite a large workspace's files (hundreds of MB at a
// million chunks) once per document of a bulk upload. What a crash loses is
// caught up from the change log at the next start (rag/workspace_indexes.h).
constexpr std::chrono::seconds kIndexSaveInterval{60};

bool IngestionService::IndexSaveDue() {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (!queue_.empty() && !stopping_ && now - last_index_save_ < kIndexSaveInterval) return false;
  last_index_save_ = now;
  return true;
}

std::optional<std::string> IngestionService::StallReason(int64_t job_id) {
  std::lock_guard lock(mu_);
  auto it = stalled_.find(job_id);
  if (it == stalled_.end()) return std::nullopt;
  return it->second.reason;
}

std::optional<IngestionService::QueuedJob> IngestionService::NextJob() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto next_retry = std::chrono::steady_clock::time_point::max();
    for (auto it = stalled_.begin(); it != stalled_.end();) {
      if (it->second.retry_at <= now) {
        queue_.push_back(it->second.job);
        it = stalled_.erase(it);
      } else {
        next_retry = std::min(next_retry, it->second.retry_at);
        ++it;
      }
    }
    if (!queue_.empty()) {
      QueuedJob job = queue_.front();
      queue_.pop_front();
      ++running_;
      return job;
    }
    if (next_retry == std::chrono::steady_clock::time_point::max()) {
      changed_.wait(lock);
    } else {
      changed_.wait_until(lock, next_retry);
    }
  }
  return std::nullopt;
}

void IngestionService::StallIfUnrecorded(const QueuedJob& job, const Status& outcome) {
  StatusOr<std::unique_ptr<Database>> reader = context_.open_reader();
  if (!reader.ok()) return;
  StatusOr<JobRow> row = JobTable(**reader).Get(job.id);
  if (!row.ok() || (row->state != JobState::kQueued && row->state != JobState::kRunning)) return;
  HEARTH_LOG(WARNING) << JobKindName(job.kind) << " job " << job.id
                      << " is stalled: its end could not be recorded; it runs again in "
                      << kStalledJobRetry.count() << " s";
  std::lock_guard lock(mu_);
  stalled_[job.id] = {.job = job,
                      .reason = std::string(outcome.message()),
                      .retry_at = std::chrono::steady_clock::now() + kStalledJobRetry};
}

void IngestionService::Work(std::stop_token stop) {
  while (std::optional<QueuedJob> job = NextJob()) {
    Status outcome = job->kind == JobKind::kReembed ? RunReembedJob(context_, job->id, stop)
                                                    : RunIngestJob(context_, job->id, stop);
    if (!outcome.ok()) {
      HEARTH_LOG(WARNING) << JobKindName(job->kind) << " job " << job->id << ": "
                          << outcome.message();
      if (!stop.stop_requested()) StallIfUnrecorded(*job, outcome);
    }
    if (IndexSaveDue()) {
      Status saved = context_.indexes->SaveAll();
      if (!saved.ok()) HEARTH_LOG(WARNING) << "saving vector indexes: " << saved.message();
    }
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    changed_.notify_all();
  }
}

}  // namespace hearth
