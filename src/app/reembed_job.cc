#include "app/reembed_job.h"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "app/job_embedder.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "store/chunk_table.h"
#include "store/index_change_log.h"
#include "store/job_table.h"
#include "store/workspace_table.h"

namespace hearth {
namespace {

struct Reembed {
  JobRow job;
  WorkspaceRow workspace;  // as read at the start: still on the old embedder
  JobEmbedder target;
};

// How far the walk over the workspace's chunks has come.
struct Walk {
  int64_t last_id = 0;  // every chunk up to here has a vector from the target
  JobProgress progress;
};

Status Write(const IngestContext& context, WriteQueue::Work work) {
  return context.writer->Submit(std::move(work)).get();
}

// Whether the job may go on; every transaction asks, because a PATCH naming
// another embedder cancels it from the request thread.
StatusOr<bool> StillRunning(Database& db, int64_t job_id) {
  ASSIGN_OR_RETURN(const JobRow job, JobTable(db).Get(job_id));
  return job.state == JobState::kRunning;
}

Status CancelledJob(const JobRow& job) {
  return CancelledError("reembed job " + std::to_string(job.id) +
                        " was cancelled (the workspace's embedder was changed again)");
}

// Moves a queued job to running; Cancelled when it ended meanwhile.
Status MarkRunning(const IngestContext& context, const JobRow& job) {
  bool running = true;
  RETURN_IF_ERROR(Write(context, [&](Database& db) -> Status {
    ASSIGN_OR_RETURN(const JobRow now, JobTable(db).Get(job.id));
    if (now.state == JobState::kQueued) return JobTable(db).SetState(job.id, JobState::kRunning);
    running = now.state == JobState::kRunning;
    return OkStatus();
  }));
  return running ? OkStatus() : CancelledJob(job);
}

// Fails the job with `outcome` unless it has ended already (cancelled).
Status MarkFailed(const IngestContext& context, const JobRow& job, const Status& outcome) {
  return Write(context, [&](Database& db) -> Status {
    ASSIGN_OR_RETURN(const bool running, StillRunning(db, job.id));
    if (!running) return OkStatus();
    return JobTable(db).SetState(job.id, JobState::kFailed, outcome.message());
  });
}

StatusOr<Walk> StartWalk(Database& reader, const Reembed& reembed) {
  Walk walk;
  ASSIGN_OR_RETURN(walk.last_id, IndexChangeLog(reader).LastAddedChunk(reembed.workspace.id,
                                                                         reembed.target.id));
  ASSIGN_OR_RETURN(const std::vector<int64_t> ids,
                   ChunkTable(reader).ListIdsByWorkspace(reembed.workspace.id));
  walk.progress.chunks_total = static_cast<int64_t>(ids.size());
  walk.progress.chunks_done =
      std::upper_bound(ids.begin(), ids.end(), walk.last_id) - ids.begin();
  return walk;
}

// The chunks of `ids` (those still there), their vectors from the target.
struct Batch {
  std::vector<int64_t> ids;
  std::vector<std::vector<float>> vectors;
  std::vector<CachedEmbedding> fresh;  // newly embedded, for the cache
};

StatusOr<Batch> EmbedChunks(const IngestContext& context, Database& reader,
                            const Reembed& reembed, std::span<const int64_t> ids,
                            std::stop_token stop) {
  ASSIGN_OR_RETURN(const std::vector<ChunkRow> chunks, ChunkTable(reader).GetByIds(ids));
  Batch batch;
  if (chunks.empty()) return batch;
  std::vector<std::string> embed_texts;
  for (const ChunkRow& chunk : chunks) {
    embed_texts.push_back(chunk.embed_prefix + chunk.text);
    batch.ids.push_back(chunk.id);
  }
  std::vector<TextToEmbed> texts;
  for (size_t i = 0; i < chunks.size(); ++i) {
    texts.push_back({.content_hash = chunks[i].content_hash, .text = embed_texts[i]});
  }
  ASSIGN_OR_RETURN(batch.vectors, VectorsFor(reader, *context.scheduler, reembed.target,
                                             "reembed", texts, &batch.fresh, stop));
  return batch;
}

// Keeps the entries of `batch` whose chunks are in `present` (a document
// deleted since the chunks were read takes its chunks along).
void KeepPresent(const std::vector<ChunkRow>& present, Batch& batch) {
  std::vector<int64_t> ids;
  std::vector<std::vector<float>> vectors;
  size_t next = 0;
  for (size_t i = 0; i < batch.ids.size() && next < present.size(); ++i) {
    if (batch.ids[i] != present[next].id) continue;
    ids.push_back(batch.ids[i]);
    vectors.push_back(std::move(batch.vectors[i]));
    ++next;
  }
  batch.ids = std::move(ids);
  batch.vectors = std::move(vectors);
}

// Embeds the chunks of `ids` with the target and commits them in one
// transaction, then adds them to the new index; advances `walk`.
Status ProcessBatch(const IngestContext& context, Database& reader, const Reembed& reembed,
                    std::span<const int64_t> ids, Walk& walk, std::stop_token stop) {
  ASSIGN_OR_RETURN(Batch batch, EmbedChunks(context, reader, reembed, ids, stop));
  bool running = true;
  int64_t sequence = 0;
  JobProgress progress = walk.progress;
  RETURN_IF_ERROR(Write(context, [&](Database& db) -> Status {
    ASSIGN_OR_RETURN(running, StillRunning(db, reembed.job.id));
    if (!running) return OkStatus();
    if (!batch.fresh.empty()) {
      RETURN_IF_ERROR(EmbeddingCache(db).Store(reembed.target.id, batch.fresh));
    }
    ASSIGN_OR_RETURN(const std::vector<ChunkRow> present, ChunkTable(db).GetByIds(batch.ids));
    KeepPresent(present, batch);
    if (!batch.ids.empty()) {
      ASSIGN_OR_RETURN(sequence, IndexChangeLog(db).AppendAdds(reembed.workspace.id,
                                                               reembed.target.id, batch.ids));
    }
    progress.chunks_done += static_cast<int64_t>(batch.ids.size());
    progress.chunks_total = std::max(progress.chunks_total, progress.chunks_done);
    return JobTable(db).UpdateProgress(reembed.job.id, progress);
  }));
  if (!running) return CancelledJob(reembed.job);
  walk.last_id = ids.back();
  walk.progress = progress;
  if (batch.ids.empty()) return OkStatus();
  return context.indexes->Add(IndexKeyOf(reembed.workspace, reembed.target.id), batch.ids,
                              batch.vectors, sequence);
}

// The switch, in one transaction: when no chunk after the walk's last one
// exists, the workspace takes the target embedder and the job is done.
// Returns the embedder the workspace had, or nullopt when chunks were
// committed meanwhile (by an ingest job on the old embedder) and the walk
// must go on.
StatusOr<std::optional<std::string>> Switch(const IngestContext& context,
                                            const Reembed& reembed, const Walk& walk) {
  bool running = true;
  std::optional<std::string> old_embedder;
  RETURN_IF_ERROR(Write(context, [&](Database& db) -> Status {
    ASSIGN_OR_RETURN(running, StillRunning(db, reembed.job.id));
    if (!running) return OkStatus();
    ChunkTable chunks(db);
    ASSIGN_OR_RETURN(const std::vector<int64_t> newer,
                     chunks.ListIdsByWorkspaceAfter(reembed.workspace.id, walk.last_id, 1));
    if (!newer.empty()) return OkStatus();
    ASSIGN_OR_RETURN(WorkspaceRow workspace, WorkspaceTable(db).Get(reembed.workspace.id));
    const std::string before = workspace.settings.embedder;
    workspace.settings.embedder = reembed.job.target_embedder;
    RETURN_IF_ERROR(WorkspaceTable(db).Update(workspace.id, workspace.settings));
    ASSIGN_OR_RETURN(const std::vector<int64_t> all, chunks.ListIdsByWorkspace(workspace.id));
    const auto count = static_cast<int64_t>(all.size());
    RETURN_IF_ERROR(JobTable(db).UpdateProgress(
        reembed.job.id, {.pages_done = 0, .chunks_total = count, .chunks_done = count}));
    RETURN_IF_ERROR(JobTable(db).SetState(reembed.job.id, JobState::kDone));
    old_embedder = before;
    return OkStatus();
  }));
  if (!running) return CancelledJob(reembed.job);
  return old_embedder;
}

// After the switch: the new index is made complete and saved (searches and
// `hearth check` find it on disk), the old one deleted.
Status FinishSwitch(const IngestContext& context, Database& reader, const Reembed& reembed,
                    const std::string& old_embedder) {
  ASSIGN_OR_RETURN(const WorkspaceRow workspace, WorkspaceTable(reader).Get(reembed.workspace.id));
  RETURN_IF_ERROR(context.indexes->CatchUp(IndexKeyOf(workspace, reembed.target.id)));
  RETURN_IF_ERROR(context.indexes->SaveAll());
  if (old_embedder.empty()) return OkStatus();
  StatusOr<JobEmbedder> old = ResolveJobEmbedder(*context.models, old_embedder);
  if (!old.ok()) {
    // Its id (the weights' digest) is unknown now; the file stays behind,
    // ignored by searches and checks.
    HEARTH_LOG(WARNING) << "workspace '" << workspace.slug << "': the index of its old embedder "
                        << old_embedder << " stays on disk: " << old.status().message();
    return OkStatus();
  }
  if (old->id == reembed.target.id) return OkStatus();  // another name for the same weights
  return context.indexes->Drop(IndexKeyOf(reembed.workspace, old->id));
}

Status RunWalk(const IngestContext& context, Database& reader, const Reembed& reembed,
               std::stop_token stop) {
  ASSIGN_OR_RETURN(Walk walk, StartWalk(reader, reembed));
  const auto batch_size = static_cast<int64_t>(context.batch_size);
  while (true) {
    if (stop.stop_requested()) return CancelledError("the server is shutting down");
    ASSIGN_OR_RETURN(const std::vector<int64_t> ids,
                     ChunkTable(reader).ListIdsByWorkspaceAfter(reembed.workspace.id,
                                                                walk.last_id, batch_size));
    if (!ids.empty()) {
      RETURN_IF_ERROR(ProcessBatch(context, reader, reembed, ids, walk, stop));
      continue;
    }
    ASSIGN_OR_RETURN(const std::optional<std::string> old_embedder,
                     Switch(context, reembed, walk));
    if (old_embedder) return FinishSwitch(context, reader, reembed, *old_embedder);
  }
}

// An ended job: done is done; cancelled and failed say so.
Status EndedOutcome(const JobRow& job) {
  if (job.state == JobState::kDone) return OkStatus();
  if (job.state == JobState::kCancelled) return CancelledJob(job);
  return FailedPreconditionError("reembed job " + std::to_string(job.id) +
                                 " failed: " + job.error);
}

}  // namespace

StatusOr<std::vector<JobRow>> UnfinishedReembeds(Database& db, int64_t workspace_id) {
  ASSIGN_OR_RETURN(std::vector<JobRow> jobs, JobTable(db).ListByWorkspace(workspace_id));
  std::erase_if(jobs, [](const JobRow& job) {
    return job.kind != JobKind::kReembed ||
           (job.state != JobState::kQueued && job.state != JobState::kRunning);
  });
  return jobs;
}

Status RunReembedJob(const IngestContext& context, int64_t job_id, std::stop_token stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, context.open_reader());
  ASSIGN_OR_RETURN(const JobRow job, JobTable(*reader).Get(job_id));
  if (job.kind != JobKind::kReembed) {
    return InvalidArgumentError("job " + std::to_string(job_id) + " is not a reembed job");
  }
  if (job.state != JobState::kQueued && job.state != JobState::kRunning) return EndedOutcome(job);
  ASSIGN_OR_RETURN(const WorkspaceRow workspace, WorkspaceTable(*reader).Get(job.workspace_id));
  RETURN_IF_ERROR(MarkRunning(context, job));
  Status outcome = [&]() -> Status {
    ASSIGN_OR_RETURN(JobEmbedder target, ResolveJobEmbedder(*context.models, job.target_embedder));
    const Reembed reembed{.job = job, .workspace = workspace, .target = std::move(target)};
    return RunWalk(context, *reader, reembed, stop);
  }();
  if (outcome.ok() || stop.stop_requested()) return outcome;  // a shutdown resumes at the next start
  RETURN_IF_ERROR(MarkFailed(context, job, outcome));  // a no-op once cancelled
  return outcome;
}

}  // namespace hearth
