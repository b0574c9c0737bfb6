// One ingestion job: a queued document becomes chunks with vectors, in
// committed batches, so that a job killed at any point resumes where its
// last batch ended.
//
//   convert (hearth-convert child) → chunk (embedder's tokenizer) →
//   skip chunks already committed → per batch: embedding cache lookup →
//   embed the misses (scheduler lease on the embedder) → one transaction:
//   cache rows, chunk rows (FTS by trigger), index change log, job progress →
//   vectors into the workspace's index.
//
// A failure is the document's and the job's (reason stored and shown); it
// never touches other documents.
//
// Each batch's transaction checks that the workspace still has the embedder
// the job started with. When a reembed job (app/reembed_job.h) has switched
// it meanwhile, the document's committed chunks are deleted and it is chunked
// and embedded again with the new embedder (at most twice more).
//
// Thread-safety: RunIngestJob may run for different jobs on several threads;
// everything it touches is thread-safe.
#ifndef HEARTH_APP_INGEST_JOB_H_
#define HEARTH_APP_INGEST_JOB_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>

#include "base/status.h"
#include "models/model_store.h"
#include "models/scheduler.h"
#include "rag/document_converter.h"
#include "rag/workspace_indexes.h"
#include "store/blob_store.h"
#include "store/write_queue.h"

namespace hearth {

class TokenCounterCache;

// What a job needs; all pointers are required and outlive the job.
struct IngestContext {
  WriteQueue* writer = nullptr;
  // Opens a read connection (one per job; SQLite readers do not block the
  // writer in WAL mode).
  std::function<StatusOr<std::unique_ptr<Database>>()> open_reader;
  BlobStore* documents = nullptr;  // uploaded originals
  ModelStore* models = nullptr;
  Scheduler* scheduler = nullptr;
  WorkspaceIndexes* indexes = nullptr;
  TokenCounterCache* tokenizers = nullptr;
  DocumentConverterOptions converter;
  // Chunks per embedding request and per committed transaction.
  size_t batch_size = 64;
};

// Runs job `job_id` (an ingest job) to its end. Returns the job's outcome;
// the job row and the document row say the same. Cancelled when `stop` was
// requested (server shutdown): the job stays 'running' and resumes at the
// next start.
Status RunIngestJob(const IngestContext& context, int64_t job_id, std::stop_token stop);

}  // namespace hearth

#endif  // HEARTH_APP_INGEST_JOB_H_
