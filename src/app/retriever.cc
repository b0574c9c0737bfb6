#include "app/retriever.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "base/status_macros.h"
#include "store/chunk_table.h"
#include "store/document_table.h"

namespace hearth {
namespace {

using SteadyClock = std::chrono::steady_clock;

double MillisecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

bool HasNonSpace(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v';
  });
}

Status Validate(const RetrievalRequest& request) {
  if (!HasNonSpace(request.query)) {
    return InvalidArgumentError("the query is empty; ask a question or give search words");
  }
  if (request.top_n < 1 || request.rerank_top_m < 1 || request.top_k < 1) {
    return InvalidArgumentError("top_n, rerank_top_m and top_k must be 1 or more (got " +
                                std::to_string(request.top_n) + ", " +
                                std::to_string(request.rerank_top_m) + ", " +
                                std::to_string(request.top_k) + ")");
  }
  if (request.budget_tokens < kUnlimitedTokens) {
    return InvalidArgumentError("token budget must be -1 (unlimited) or more, got " +
                                std::to_string(request.budget_tokens));
  }
  return OkStatus();
}

Status CheckStop(std::stop_token stop) {
  if (stop.stop_requested()) return CancelledError("retrieval cancelled");
  return OkStatus();
}

struct LexicalOutcome {
  StatusOr<std::vector<LexicalHit>> hits = std::vector<LexicalHit>{};
  double ms = 0;
};

// What the ranking knows of one chunk.
struct Found {
  ChunkRow chunk;
  std::string document_name;
  std::optional<float> similarity;
  std::optional<double> lexical_score;
};

}  // namespace

struct Retriever::Ranking {
  std::vector<ScoredChunk> hits;  // the top_k, best first, no threshold applied
  RetrievalTimings timings;
  RetrievalCounts counts;
  bool reranked = false;
  std::string note;
};

// A pooled read connection, returned on destruction.
class Retriever::ReaderLease {
 public:
  ReaderLease(Retriever& owner, std::unique_ptr<Database> db) : owner_(owner), db_(std::move(db)) {}
  ~ReaderLease() { owner_.ReturnReader(std::move(db_)); }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  Database& db() { return *db_; }

 private:
  Retriever& owner_;
  std::unique_ptr<Database> db_;
};

RetrieverOptions RetrieverOptionsFor(int cores, int embedder_threads) {
  cores = std::max(cores, 1);
  const int embedding = embedder_threads > 0 ? std::min(embedder_threads, cores) : cores;
  RetrieverOptions options;
  options.lexical_beside_embedding = embedding < cores;
  // Beside the embedding: the cores it leaves. After it: every core but
  // the vector search's (on 2 cores one thread: a split BM25 beside the
  // vector search was slower than one thread).
  options.lexical.threads =
      options.lexical_beside_embedding ? cores - embedding : std::max(1, cores - 1);
  return options;
}

Retriever::Retriever(RetrieverOptions options, ReaderFactory open_reader,
                     WorkspaceIndexes& indexes, QueryEmbedder* embedder, QueryReranker* reranker)
    : options_(options),
      open_reader_(std::move(open_reader)),
      indexes_(indexes),
      embedder_(embedder),
      reranker_(reranker),
      cache_(options.query_cache_entries) {}

Retriever::~Retriever() = default;

StatusOr<std::unique_ptr<Database>> Retriever::BorrowReader() {
  {
    std::lock_guard lock(mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
  }
  return open_reader_();
}

void Retriever::ReturnReader(std::unique_ptr<Database> db) {
  if (db == nullptr || db->InTransaction()) return;
  std::lock_guard lock(mu_);
  if (idle_readers_.size() < options_.max_idle_readers) idle_readers_.push_back(std::move(db));
}

namespace {

// The query's embedding, from the cache or the embedder.
StatusOr<std::vector<float>> EmbedQuery(QueryEmbedder& embedder, QueryEmbeddingCache& cache,
                                        const RetrievalRequest& request,
                                        const std::string& embedder_id, RetrievalTimings& timings,
                                        std::stop_token stop) {
  const SteadyClock::time_point start = SteadyClock::now();
  if (std::optional<std::vector<float>> cached = cache.Find(embedder_id, request.query)) {
    timings.query_embed_cached = true;
    timings.query_embed_ms = MillisecondsSince(start);
    return std::move(*cached);
  }
  ASSIGN_OR_RETURN(std::vector<float> vector,
                   embedder.Embed(request.workspace.settings.embedder, request.query, stop));
  timings.query_embed_ms = MillisecondsSince(start);
  cache.Put(embedder_id, request.query, vector);
  return vector;
}

// Loads the chunks of `ids` whose documents are ready in the workspace.
StatusOr<std::unordered_map<int64_t, Found>> LoadReady(Database& db, int64_t workspace_id,
                                                       const std::vector<int64_t>& ids) {
  ASSIGN_OR_RETURN(std::vector<ChunkRow> rows, ChunkTable(db).GetByIds(ids));
  std::map<int64_t, std::optional<std::string>> documents;  // id -> name when usable
  DocumentTable table(db);
  std::unordered_map<int64_t, Found> found;
  for (ChunkRow& row : rows) {
    auto [it, added] = documents.try_emplace(row.document_id);
    if (added) {
      StatusOr<DocumentRow> document = table.Get(row.document_id);
      if (!document.ok() && document.status().code() != StatusCode::kNotFound) {
        return document.status();
      }
      if (document.ok() && document->workspace_id == workspace_id &&
          document->status == DocumentStatus::kReady) {
        it->second = DocumentDisplayName(*document);
      }
    }
    if (!it->second) continue;
    const int64_t id = row.id;
    found.emplace(id, Found{.chunk = std::move(row), .document_name = *it->second});
  }
  return found;
}

// Reorders the first max(rerank_top_m, top_k) hits by the reranker's score
// (so that every hit kept has one); the rest keep their fused order.
Status RerankHits(QueryReranker& reranker, const RetrievalRequest& request,
                  std::vector<ScoredChunk>& hits, RetrievalTimings& timings, int& reranked,
                  std::stop_token stop) {
  const size_t count = std::min(hits.size(), static_cast<size_t>(std::max(request.rerank_top_m,
                                                                          request.top_k)));
  if (count == 0) return OkStatus();
  std::vector<std::string> texts;
  for (size_t i = 0; i < count; ++i) {
    const ChunkRow& chunk = hits[i].chunk;
    texts.push_back(chunk.embed_prefix.empty() ? chunk.text : chunk.embed_prefix + chunk.text);
  }
  const SteadyClock::time_point start = SteadyClock::now();
  ASSIGN_OR_RETURN(std::vector<float> scores,
                   reranker.Rerank(request.reranker, request.query, texts, stop));
  timings.rerank_ms = MillisecondsSince(start);
  if (scores.size() != count) {
    return InternalError("reranker '" + request.reranker + "' returned " +
                         std::to_string(scores.size()) + " scores for " + std::to_string(count) +
                         " passages");
  }
  for (size_t i = 0; i < count; ++i) hits[i].rerank_score = scores[i];
  std::stable_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(count),
                   [](const ScoredChunk& a, const ScoredChunk& b) {
                     return *a.rerank_score > *b.rerank_score;
                   });
  reranked = static_cast<int>(count);
  return OkStatus();
}

}  // namespace

StatusOr<Retriever::Ranking> Retriever::Rank(const RetrievalRequest& request, Database& db,
                                             std::stop_token stop) {
  RETURN_IF_ERROR(Validate(request));
  RETURN_IF_ERROR(CheckStop(stop));
  if (!request.reranker.empty() && reranker_ == nullptr) {
    return FailedPreconditionError("reranker '" + request.reranker +
                                   "' was asked for but this server has no reranking set up");
  }
  Ranking ranking;
  const int64_t workspace_id = request.workspace.id;

  // The vector search's embedder, or none (lexical only).
  std::optional<std::string> embedder_id;
  if (embedder_ == nullptr || request.workspace.settings.embedder.empty()) {
    ranking.note = "lexical only: workspace '" + request.workspace.slug + "' has no embedder";
  } else {
    ASSIGN_OR_RETURN(embedder_id, embedder_->IdentityOf(request.workspace.settings.embedder));
  }
  // The query's embedding, on every core before BM25 starts unless cores
  // are spare (RetrieverOptionsFor).
  std::optional<std::vector<float>> query_vector;
  if (embedder_id && !options_.lexical_beside_embedding) {
    ASSIGN_OR_RETURN(query_vector,
                     EmbedQuery(*embedder_, cache_, request, *embedder_id, ranking.timings, stop));
    RETURN_IF_ERROR(CheckStop(stop));
  }

  // Lexical search on its own thread while the vector index is searched.
  // Like the vector index, the lexical one holds chunks of documents still
  // being ingested: twice top_n leaves room.
  std::future<LexicalOutcome> lexical;
  try {
    lexical = std::async(std::launch::async, [this, &request, workspace_id]() {
      LexicalOutcome outcome;
      const SteadyClock::time_point start = SteadyClock::now();
      outcome.hits = indexes_.lexical().Search(
          workspace_id, request.query,
          std::min(2 * static_cast<size_t>(request.top_n), LexicalIndex::kMaxHits),
          options_.lexical);
      outcome.ms = MillisecondsSince(start);
      return outcome;
    });
  } catch (const std::system_error& error) {
    return ResourceExhaustedError(std::string("cannot start the lexical search thread: ") +
                                  error.what());
  }

  // The index also holds chunks of documents still being ingested; asking it
  // for twice as many leaves top_n ready ones in all but extreme cases.
  std::vector<IndexHit> vector_hits;
  const Status vector_status = [&]() -> Status {
    if (!embedder_id) return OkStatus();
    if (!query_vector) {
      ASSIGN_OR_RETURN(query_vector, EmbedQuery(*embedder_, cache_, request, *embedder_id,
                                                ranking.timings, stop));
      RETURN_IF_ERROR(CheckStop(stop));
    }
    const SteadyClock::time_point start = SteadyClock::now();
    ASSIGN_OR_RETURN(vector_hits, indexes_.Search(IndexKeyOf(request.workspace, *embedder_id),
                                                  *query_vector,
                                                  2 * static_cast<size_t>(request.top_n)));
    ranking.timings.vector_search_ms = MillisecondsSince(start);
    if (vector_hits.empty()) {
      ranking.note = "lexical only: workspace '" + request.workspace.slug +
                     "' has no vectors from its embedder yet";
    }
    return OkStatus();
  }();
  LexicalOutcome lexical_outcome = lexical.get();
  RETURN_IF_ERROR(vector_status);
  RETURN_IF_ERROR(lexical_outcome.hits.status());
  ranking.timings.lexical_search_ms = lexical_outcome.ms;
  RETURN_IF_ERROR(CheckStop(stop));

  // Chunks of documents that are not ready (or are gone) are left out.
  std::vector<int64_t> ids;
  for (const IndexHit& hit : vector_hits) ids.push_back(hit.chunk_id);
  for (const LexicalHit& hit : *lexical_outcome.hits) ids.push_back(hit.chunk_id);
  ASSIGN_OR_RETURN(auto found, LoadReady(db, workspace_id, ids));

  std::array<RankedList, 2> lists = {RankedList{kVectorRetriever, {}},
                                     RankedList{kLexicalRetriever, {}}};
  for (const IndexHit& hit : vector_hits) {
    if (lists[0].ids.size() == static_cast<size_t>(request.top_n)) break;
    auto it = found.find(hit.chunk_id);
    if (it == found.end() || it->second.similarity) continue;
    it->second.similarity = hit.similarity;
    lists[0].ids.push_back(hit.chunk_id);
  }
  for (const LexicalHit& hit : *lexical_outcome.hits) {
    if (lists[1].ids.size() == static_cast<size_t>(request.top_n)) break;
    auto it = found.find(hit.chunk_id);
    if (it == found.end() || it->second.lexical_score) continue;
    it->second.lexical_score = hit.score;
    lists[1].ids.push_back(hit.chunk_id);
  }
  ranking.counts.vector = static_cast<int>(lists[0].ids.size());
  ranking.counts.lexical = static_cast<int>(lists[1].ids.size());
  std::vector<FusedCandidate> fused = FuseRanks(lists);
  ranking.counts.fused = static_cast<int>(fused.size());

  for (FusedCandidate& candidate : fused) {
    Found& chunk = found.at(candidate.chunk_id);
    ranking.hits.push_back({.chunk = std::move(chunk.chunk),
                            .document_name = std::move(chunk.document_name),
                            .fused_score = candidate.score,
                            .similarity = chunk.similarity,
                            .lexical_score = chunk.lexical_score,
                            .found_by = std::move(candidate.found_by)});
  }
  if (!request.reranker.empty()) {
    RETURN_IF_ERROR(RerankHits(*reranker_, request, ranking.hits, ranking.timings,
                               ranking.counts.reranked, stop));
    ranking.reranked = true;
  }
  if (ranking.hits.size() > static_cast<size_t>(request.top_k)) {
    ranking.hits.resize(static_cast<size_t>(request.top_k));
  }
  for (ScoredChunk& hit : ranking.hits) {
    if (hit.rerank_score) {
      hit.relevance = Sigmoid(*hit.rerank_score);
    } else if (hit.similarity) {
      hit.relevance = *hit.similarity;
    }
  }
  return ranking;
}

namespace {

// The chunks of the workspace's pinned ready documents.
StatusOr<std::vector<Candidate>> PinnedCandidates(Database& db, int64_t workspace_id) {
  ASSIGN_OR_RETURN(std::vector<DocumentRow> documents,
                   DocumentTable(db).ListByWorkspace(workspace_id));
  std::vector<Candidate> pinned;
  for (const DocumentRow& document : documents) {
    if (!document.pinned || document.status != DocumentStatus::kReady) continue;
    ASSIGN_OR_RETURN(std::vector<ChunkRow> chunks, ChunkTable(db).ListByDocument(document.id));
    for (ChunkRow& chunk : chunks) {
      pinned.push_back({.chunk = std::move(chunk), .document_name = DocumentDisplayName(document), .pinned = true});
    }
  }
  return pinned;
}

Candidate CandidateOf(ScoredChunk hit) {
  const double score = hit.rerank_score ? *hit.relevance : hit.fused_score;
  return {.chunk = std::move(hit.chunk),
          .document_name = std::move(hit.document_name),
          .score = score,
          .relevance = hit.relevance,
          .found_by = std::move(hit.found_by)};
}

}  // namespace

StatusOr<RetrievalResult> Retriever::Retrieve(const RetrievalRequest& request,
                                              std::stop_token stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, BorrowReader());
  ReaderLease lease(*this, std::move(reader));
  ASSIGN_OR_RETURN(Ranking ranking, Rank(request, lease.db(), stop));

  std::vector<Candidate> candidates;
  std::unordered_map<int64_t, size_t> position;  // chunk id -> index in candidates
  for (ScoredChunk& hit : ranking.hits) {
    position.emplace(hit.chunk.id, candidates.size());
    candidates.push_back(CandidateOf(std::move(hit)));
  }
  if (request.include_pinned) {
    ASSIGN_OR_RETURN(std::vector<Candidate> pinned,
                     PinnedCandidates(lease.db(), request.workspace.id));
    for (Candidate& candidate : pinned) {
      auto it = position.find(candidate.chunk.id);
      if (it != position.end()) {
        candidates[it->second].pinned = true;  // retrieved too: keep its scores
      } else {
        candidates.push_back(std::move(candidate));
      }
    }
  }
  const std::unordered_set<int64_t> present(request.already_in_context.begin(),
                                            request.already_in_context.end());
  for (Candidate& candidate : candidates) {
    candidate.already_in_context = present.contains(candidate.chunk.id);
  }
  RETURN_IF_ERROR(CheckStop(stop));
  ASSIGN_OR_RETURN(PackResult packed,
                   PackPassages(std::move(candidates),
                                {.budget_tokens = request.budget_tokens,
                                 .min_relevance = request.similarity_threshold},
                                request.chat_counter));
  return RetrievalResult{.passages = std::move(packed.passages),
                         .dropped = std::move(packed.dropped),
                         .tokens_used = packed.tokens_used,
                         .tokens_reused = packed.tokens_reused,
                         .timings = ranking.timings,
                         .counts = ranking.counts,
                         .reranked = ranking.reranked,
                         .note = std::move(ranking.note)};
}

StatusOr<SearchResult> Retriever::Search(const RetrievalRequest& request, std::stop_token stop) {
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, BorrowReader());
  ReaderLease lease(*this, std::move(reader));
  ASSIGN_OR_RETURN(Ranking ranking, Rank(request, lease.db(), stop));
  SearchResult result{.timings = ranking.timings,
                      .counts = ranking.counts,
                      .reranked = ranking.reranked,
                      .note = std::move(ranking.note)};
  for (ScoredChunk& hit : ranking.hits) {
    if (request.similarity_threshold && hit.relevance &&
        *hit.relevance < *request.similarity_threshold) {
      result.dropped.push_back({.chunk_id = hit.chunk.id,
                                .document_id = hit.chunk.document_id,
                                .reason = DropReason::kBelowThreshold,
                                .score = hit.rerank_score ? *hit.relevance : hit.fused_score,
                                .relevance = hit.relevance});
      continue;
    }
    result.hits.push_back(std::move(hit));
  }
  return result;
}

}  // namespace hearth
