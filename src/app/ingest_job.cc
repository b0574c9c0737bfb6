#include "app/ingest_job.h"

#include <map>
#include <utility>
#include <vector>

#include "app/token_counter_cache.h"
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

// The workspace's embedder, resolved.
struct EmbedderInfo {
  ModelName name;
  ResolvedModel model;
  std::string id;  // EmbedderId()
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

StatusOr<EmbedderInfo> ResolveEmbedder(const IngestContext& context, const WorkspaceRow& workspace) {
  if (workspace.settings.embedder.empty()) {
    return FailedPreconditionError("workspace '" + workspace.slug +
                                   "' has no embedder; choose one in its settings");
  }
  ASSIGN_OR_RETURN(ModelName name, ParseModelName(workspace.settings.embedder));
  ASSIGN_OR_RETURN(ResolvedModel model, context.models->Resolve(name));
  std::string id = EmbedderId(model);
  return EmbedderInfo{.name = std::move(name), .model = std::move(model), .id = std::move(id)};
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

// The vectors of `texts` from the embedder, through the scheduler (which
// keeps it loaded beside the chat model when the budget allows).
StatusOr<std::vector<std::vector<float>>> Embed(const IngestContext& context,
                                                const EmbedderInfo& embedder,
                                                std::vector<std::string> texts,
                                                std::stop_token stop) {
  ASSIGN_OR_RETURN(ModelLease lease,
                   context.scheduler->Acquire({.model = embedder.name, .purpose = "ingest"}));
  StatusOr<EmbedResult> embedded =
      lease.backend().Embed({.inputs = std::move(texts), .normalize = true, .truncate = true}, stop);
  if (!embedded.ok()) {
    if (embedded.status().code() == StatusCode::kUnavailable) {
      lease.ReportBackendFailure(embedded.status());
    }
    return embedded.status().WithContext("embedding with " + embedder.name.DisplayName());
  }
  return std::move(embedded->embeddings);
}

// The vectors for chunks [begin, end): from the cache, the rest embedded.
// `fresh` receives the newly embedded ones for the cache.
StatusOr<std::vector<std::vector<float>>> VectorsFor(const IngestContext& context, Database& reader,
                                                     const EmbedderInfo& embedder,
                                                     std::span<const Chunk> chunks,
                                                     std::vector<CachedEmbedding>* fresh,
                                                     std::stop_token stop) {
  std::vector<std::string> hashes;
  for (const Chunk& chunk : chunks) hashes.push_back(chunk.content_hash);
  ASSIGN_OR_RETURN(auto known, EmbeddingCache(reader).Lookup(embedder.id, hashes));
  std::vector<std::string> texts;
  std::vector<std::string> text_hashes;
  for (const Chunk& chunk : chunks) {
    if (known.contains(chunk.content_hash)) continue;
    known.emplace(chunk.content_hash, std::vector<float>{});  // once per distinct text
    texts.push_back(chunk.embed_text);
    text_hashes.push_back(chunk.content_hash);
  }
  if (!texts.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors,
                     Embed(context, embedder, std::move(texts), stop));
    for (size_t i = 0; i < vectors.size(); ++i) {
      known[text_hashes[i]] = vectors[i];
      fresh->push_back({.content_hash = text_hashes[i], .vector = std::move(vectors[i])});
    }
  }
  std::vector<std::vector<float>> ordered;
  for (const Chunk& chunk : chunks) ordered.push_back(known.at(chunk.content_hash));
  return ordered;
}

// Embeds and commits chunks [begin, end) of the document in one
// transaction, then adds their vectors to the workspace's index.
Status CommitBatch(const IngestContext& context, Database& reader, const JobSubject& subject,
                   const EmbedderInfo& embedder, std::span<const Chunk> all, size_t begin,
                   size_t end, std::stop_token stop) {
  std::span<const Chunk> batch = all.subspan(begin, end - begin);
  std::vector<CachedEmbedding> fresh;
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors,
                   VectorsFor(context, reader, embedder, batch, &fresh, stop));
  std::vector<ChunkRow> rows;
  for (size_t i = begin; i < end; ++i) rows.push_back(RowOf(all[i], static_cast<int64_t>(i)));
  const JobProgress progress{.pages_done = subject.document.page_count,
                             .chunks_total = static_cast<int64_t>(all.size()),
                             .chunks_done = static_cast<int64_t>(end)};
  std::vector<int64_t> ids;
  int64_t sequence = 0;
  RETURN_IF_ERROR(Write(context, [&](Database& db) -> Status {
    if (!fresh.empty()) RETURN_IF_ERROR(EmbeddingCache(db).Store(embedder.id, fresh));
    ASSIGN_OR_RETURN(ids, ChunkTable(db).InsertBatch(subject.document.id, rows));
    ASSIGN_OR_RETURN(sequence,
                     IndexChangeLog(db).AppendAdds(subject.workspace.id, embedder.id, ids));
    return JobTable(db).UpdateProgress(subject.job.id, progress);
  }));
  return context.indexes->Add(IndexKeyOf(subject.workspace, embedder.id), ids, vectors, sequence);
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

Status Ingest(const IngestContext& context, Database& reader, JobSubject& subject,
              std::stop_token stop) {
  ASSIGN_OR_RETURN(const EmbedderInfo embedder, ResolveEmbedder(context, subject.workspace));
  ASSIGN_OR_RETURN(const Digest digest, Digest::Parse(subject.document.blob_digest));
  ASSIGN_OR_RETURN(std::filesystem::path original, context.documents->PathOf(digest));
  ASSIGN_OR_RETURN(StructuredDocument document,
                   ConvertFile(original, subject.document.name, context.converter));
  RETURN_IF_ERROR(MarkConverted(context, subject, document));
  subject.document.page_count = document.page_count;
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
    RETURN_IF_ERROR(CommitBatch(context, reader, subject, embedder, chunks, begin, end, stop));
  }
  return OkStatus();
}

}  // namespace

Status RunIngestJob(const IngestContext& context, int64_t job_id, std::stop_token stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, context.open_reader());
  ASSIGN_OR_RETURN(JobSubject subject, LoadSubject(*reader, job_id));
  RETURN_IF_ERROR(MarkStarted(context, subject));
  Status outcome = Ingest(context, *reader, subject, stop);
  if (!outcome.ok() && stop.stop_requested()) return outcome;  // resumes at the next start
  RETURN_IF_ERROR(MarkEnded(context, subject, outcome));
  return outcome;
}

}  // namespace hearth
