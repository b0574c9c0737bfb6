#include "app/ingest_job.h"

#include <span>
#include <utility>
#include <vector>

#include "app/job_embedder.h"
#include "app/token_counter_cache.h"
#include "base/logging.h"
#include "base/status_macros.h"
#include "models/model_name.h"
#include "rag/chunker.h"
#include "store/chunk_table.h"
#include "store/document_table.h"
#include "store/embedding_cache.h"
#include "store/index_change_log.h"
#include "store/job_table.h"
#include "store/workspace_table.h"

namespace hearth {
namespace {

// The rows one job works on, read at its start.
struct JobSubject {
  JobRow job;
  DocumentRow document;
  WorkspaceRow workspace;
};

Status Write(const IngestContext& context, WriteQueue::Work work) {
  return context.writer->Submit(std::move(work)).get();
}

StatusOr<JobSubject> LoadSubject(Database& db, int64_t job_id) {
  JobSubject subject;
  ASSIGN_OR_RETURN(subject.job, JobTable(db).Get(job_id));
  if (!subject.job.document_id) {
    return InvalidArgumentError("job " + std::to_string(job_id) + " names no document");
  }
  ASSIGN_OR_RETURN(subject.document, DocumentTable(db).Get(*subject.job.document_id));
  ASSIGN_OR_RETURN(subject.workspace, WorkspaceTable(db).Get(subject.job.workspace_id));
  return subject;
}

StatusOr<JobEmbedder> ResolveEmbedder(const IngestContext& context, const WorkspaceRow& workspace) {
  if (workspace.settings.embedder.empty()) {
    return FailedPreconditionError("workspace '" + workspace.slug +
                                   "' has no embedder; choose one in its settings");
  }
  return ResolveJobEmbedder(*context.models, workspace.settings.embedder);
}

std::string Joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

ChunkRow RowOf(const Chunk& chunk, int64_t ordinal) {
  return ChunkRow{.ordinal = ordinal,
                  .text = chunk.text,
                  .heading_path = Joined(chunk.heading_path, " > "),
                  .embed_prefix = chunk.embed_text.substr(0, chunk.embed_text.size() -
                                                             chunk.text.size()),
                  .page_first = chunk.page_first,
                  .page_last = chunk.page_last,
                  .token_count = chunk.token_count,
                  .content_hash = chunk.content_hash};
}

// Embeds and commits chunks [begin, end) of the document in one
// transaction, then adds their vectors to the workspace's index. False (and
// nothing written) when the workspace has moved to another embedder since
// the job resolved `embedder`: a reembed job switched it meanwhile.
StatusOr<bool> CommitBatch(const IngestContext& context, Database& reader,
                           const JobSubject& subject, const JobEmbedder& embedder,
                           std::span<const Chunk> all, size_t begin, size_t end,
                           std::stop_token stop) {
  std::vector<TextToEmbed> texts;
  for (size_t i = begin; i < end; ++i) {
    texts.push_back({.content_hash = all[i].content_hash, .text = all[i].embed_text});
  }
  std::vector<CachedEmbedding> fresh;
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors,
                   VectorsFor(reader, *context.scheduler, embedder, "ingest", texts, &fresh, stop));
  std::vector<ChunkRow> rows;
  for (size_t i = begin; i < end; ++i) rows.push_back(RowOf(all[i], static_cast<int64_t>(i)));
  const JobProgress progress{.pages_done = subject.document.page_count,
                             .chunks_total = static_cast<int64_t>(all.size()),
                             .chunks_done = static_cast<int64_t>(end)};
  std::vector<int64_t> ids;
  int64_t sequence = 0;
  bool current = true;
  RETURN_IF_ERROR(Write(context, [&](Database& db) -> Status {
    ASSIGN_OR_RETURN(const WorkspaceRow now, WorkspaceTable(db).Get(subject.workspace.id));
    current = now.settings.embedder == subject.workspace.settings.embedder;
    if (!current) return OkStatus();
    if (!fresh.empty()) RETURN_IF_ERROR(EmbeddingCache(db).Store(embedder.id, fresh));
    ASSIGN_OR_RETURN(ids, ChunkTable(db).InsertBatch(subject.document.id, rows));
    ASSIGN_OR_RETURN(sequence,
                     IndexChangeLog(db).AppendAdds(subject.workspace.id, embedder.id, ids));
    return JobTable(db).UpdateProgress(subject.job.id, progress);
  }));
  if (!current) return false;
  RETURN_IF_ERROR(
      context.indexes->Add(IndexKeyOf(subject.workspace, embedder.id), ids, vectors, sequence));
  return true;
}

// Deletes what the job committed of the document (the triggers log the
// removals for the indexes) so that it is chunked again from the start.
Status Restart(const IngestContext& context, const JobSubject& subject) {
  return Write(context, [&](Database& db) -> Status {
    RETURN_IF_ERROR(ChunkTable(db).DeleteByDocument(subject.document.id).status());
    return JobTable(db).UpdateProgress(subject.job.id,
                                       {.pages_done = subject.document.page_count});
  });
}

Status MarkStarted(const IngestContext& context, const JobSubject& subject) {
  return Write(context, [&](Database& db) -> Status {
    if (subject.job.state != JobState::kRunning) {
      RETURN_IF_ERROR(JobTable(db).SetState(subject.job.id, JobState::kRunning));
    }
    return DocumentTable(db).SetStatus(subject.document.id, DocumentStatus::kConverting);
  });
}

Status MarkConverted(const IngestContext& context, const JobSubject& subject,
                     const StructuredDocument& document) {
  return Write(context, [&](Database& db) -> Status {
    DocumentTable documents(db);
    RETURN_IF_ERROR(documents.SetConverted(subject.document.id, document.format, document.title,
                                           document.page_count));
    return documents.SetStatus(subject.document.id, DocumentStatus::kEmbedding, {},
                               Joined(document.warnings, "\n"));
  });
}

Status MarkEnded(const IngestContext& context, const JobSubject& subject, const Status& outcome) {
  return Write(context, [&](Database& db) -> Status {
    if (outcome.ok()) {
      // Keep the converter's warnings the embedding step stored.
      ASSIGN_OR_RETURN(DocumentRow now, DocumentTable(db).Get(subject.document.id));
      RETURN_IF_ERROR(DocumentTable(db).SetStatus(subject.document.id, DocumentStatus::kReady, {},
                                                  now.warnings));
      return JobTable(db).SetState(subject.job.id, JobState::kDone);
    }
    RETURN_IF_ERROR(DocumentTable(db).SetStatus(subject.document.id, DocumentStatus::kFailed,
                                                outcome.message()));
    return JobTable(db).SetState(subject.job.id, JobState::kFailed, outcome.message());
  });
}

// Chunks the converted document with the embedder's tokenizer and commits
// it batch by batch. False when the workspace moved to another embedder
// mid-document (see CommitBatch).
StatusOr<bool> EmbedDocument(const IngestContext& context, Database& reader,
                             const JobSubject& subject, const JobEmbedder& embedder,
                             const StructuredDocument& document, std::stop_token stop) {
  ASSIGN_OR_RETURN(TokenCounter * counter, context.tokenizers->For(embedder.model));
  const ChunkerOptions options{
      .target_tokens = static_cast<int32_t>(subject.workspace.settings.chunk_tokens),
      .overlap_tokens = static_cast<int32_t>(subject.workspace.settings.chunk_overlap_tokens)};
  const std::string title = document.title.empty() ? subject.document.name : document.title;
  ASSIGN_OR_RETURN(const std::vector<Chunk> chunks,
                   ChunkDocument(document, title, options, *counter));
  // A resumed job continues after the last batch it committed; chunking is
  // deterministic, so the ordinals line up.
  ASSIGN_OR_RETURN(const int64_t committed, ChunkTable(reader).MaxOrdinal(subject.document.id));
  for (size_t begin = static_cast<size_t>(committed + 1); begin < chunks.size();
       begin += context.batch_size) {
    if (stop.stop_requested()) return CancelledError("the server is shutting down");
    const size_t end = std::min(chunks.size(), begin + context.batch_size);
    ASSIGN_OR_RETURN(const bool current,
                     CommitBatch(context, reader, subject, embedder, chunks, begin, end, stop));
    if (!current) return false;
  }
  return true;
}

// Runs of the document after the first when its workspace changes embedders
// under it (the new embedder's tokenizer chunks differently, so it starts
// over); more would mean the embedder keeps changing.
constexpr int kMaxRestarts = 2;

Status Ingest(const IngestContext& context, Database& reader, JobSubject& subject,
              std::stop_token stop) {
  RETURN_IF_ERROR(ResolveEmbedder(context, subject.workspace).status());
  ASSIGN_OR_RETURN(const Digest digest, Digest::Parse(subject.document.blob_digest));
  ASSIGN_OR_RETURN(std::filesystem::path original, context.documents->PathOf(digest));
  ASSIGN_OR_RETURN(StructuredDocument document,
                   ConvertFile(original, subject.document.name, context.converter));
  RETURN_IF_ERROR(MarkConverted(context, subject, document));
  subject.document.page_count = document.page_count;
  for (int run = 0; run <= kMaxRestarts; ++run) {
    if (run > 0) {
      RETURN_IF_ERROR(Restart(context, subject));
      ASSIGN_OR_RETURN(subject.workspace, WorkspaceTable(reader).Get(subject.workspace.id));
    }
    ASSIGN_OR_RETURN(const JobEmbedder embedder, ResolveEmbedder(context, subject.workspace));
    ASSIGN_OR_RETURN(const bool current,
                     EmbedDocument(context, reader, subject, embedder, document, stop));
    if (current) return OkStatus();
    HEARTH_LOG(INFO) << "workspace '" << subject.workspace.slug << "' changed embedders while '"
                     << subject.document.name << "' was being ingested; starting it again";
  }
  return FailedPreconditionError("the embedder of workspace '" + subject.workspace.slug +
                                 "' changed " + std::to_string(kMaxRestarts + 1) +
                                 " times while '" + subject.document.name +
                                 "' was being ingested; upload it again");
}

}  // namespace

Status RunIngestJob(const IngestContext& context, int64_t job_id, std::stop_token stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, context.open_reader());
  ASSIGN_OR_RETURN(JobSubject subject, LoadSubject(*reader, job_id));
  RETURN_IF_ERROR(MarkStarted(context, subject));
  Status outcome = Ingest(context, *reader, subject, stop);
  if (!outcome.ok() && stop.stop_requested()) return outcome;  // resumes at the next start
  RETURN_IF_ERROR(MarkEnded(context, subject, outcome));
  // The lexical index takes the document in now, so that the save after the
  // job writes it and the next search does not wait for it.
  Status indexed = context.indexes->lexical().CatchUp(subject.workspace.id);
  if (!indexed.ok()) HEARTH_LOG(WARNING) << "updating the lexical index: " << indexed.message();
  return outcome;
}

}  // namespace hearth
