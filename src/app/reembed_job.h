// One reembed job: moves a workspace to another embedder in the background,
// so that searches keep working on the old vectors until the new ones are
// complete and then use the new ones from one commit on.
//
//   walk the workspace's chunks in id order, a batch at a time →
//   embedding cache lookup under the new embedder → embed the misses
//   (embed_prefix + text; scheduler lease) → one transaction: cache rows,
//   'add' rows in the index change log for (workspace, new embedder), job
//   progress → vectors into the new index →
//   no chunk left: one transaction sets the workspace's embedder and ends
//   the job → the new index is saved, the old one deleted.
//
// The workspace keeps its old embedder (and its old index serves searches)
// until that last transaction. A chunk committed meanwhile by an ingest job
// still on the old embedder has a greater id (ids are never reused), so the
// switch, which checks for chunks after the last one embedded, sends the
// walk on instead. Ingest jobs that commit after the switch notice it and
// start their document over (app/ingest_job.h).
//
// Restarts: the job resumes after the greatest chunk id it logged an 'add'
// for. Cancellation (a PATCH naming yet another embedder, or the old one
// again, marks the job cancelled): noticed at the next batch; what was
// written stays (cache rows and log rows are harmless, and the next reembed
// to that embedder reuses them).
//
// Thread-safety: RunReembedJob may run for different jobs on several
// threads; everything it touches is thread-safe.
#ifndef HEARTH_APP_REEMBED_JOB_H_
#define HEARTH_APP_REEMBED_JOB_H_

#include <cstdint>
#include <stop_token>
#include <vector>

#include "app/ingest_job.h"
#include "base/status.h"
#include "store/database.h"
#include "store/job_table.h"

namespace hearth {

// Runs reembed job `job_id` to its end, in batches of context.batch_size
// chunks. OK when the workspace has switched (or the job had already ended
// done). Cancelled when the job was cancelled (its row says so) or `stop`
// was requested (server shutdown: the job stays running and resumes at the
// next start). Any other error fails the job with that reason (e.g. NotFound
// when its target embedder is not installed); the workspace keeps its
// embedder then.
Status RunReembedJob(const IngestContext& context, int64_t job_id, std::stop_token stop);

// The workspace's queued and running reembed jobs, newest first (normally
// at most one: starting one cancels the others). Reads through `db`.
StatusOr<std::vector<JobRow>> UnfinishedReembeds(Database& db, int64_t workspace_id);

}  // namespace hearth

#endif  // HEARTH_APP_REEMBED_JOB_H_
