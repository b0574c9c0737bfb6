// Retriever: hybrid retrieval over one workspace's documents, for chat
// (Retrieve: passages packed into a token budget) and for search (Search:
// the best chunks with their scores).
//
// The pipeline, with the time of each stage in RetrievalTimings:
//   1. the query's embedding by the workspace's embedder (an in-memory LRU
//      keyed by (embedder id, query text) saves repeated embeds);
//   2. concurrently: the top_n nearest chunks in the workspace's vector index
//      (WorkspaceIndexes) and the top_n BM25 matches in its lexical index
//      (LexicalIndexes, rag/lexical_indexes.h, on its own thread, split over
//      RetrieverOptions::lexical.threads); chunks of documents that are not
//      ready are left out (each index is asked for 2 * top_n to make room for
//      them). The BM25 search starts after step 1 unless
//      RetrieverOptions::lexical_beside_embedding (see RetrieverOptionsFor);
//   3. reciprocal rank fusion of the two lists (rag/rank_fusion.h);
//   4. when a reranker is given: the fused top max(rerank_top_m, top_k) are
//      reranked by it (so every chunk kept has a reranker score) and come
//      first, in its order; the rest keep their fused order;
//   5. the first top_k are the candidates;
//   6. the similarity threshold (see RetrievalRequest::similarity_threshold)
//      drops candidates below it;
//   7. Retrieve only: the chunks of the workspace's pinned ready documents are
//      added (before everything else), and PackPassages (rag/passage_packer.h)
//      merges adjacent chunks and fills the budget, counted with the chat
//      model's tokenizer.
// The ranking score the packer orders by (Passage::score) is the sigmoid of
// the reranker's score when reranked, else the fused RRF score.
//
// A workspace without an embedder (or a Retriever without a QueryEmbedder) is
// searched lexically only; so, in effect, is one whose index holds no
// vectors. RetrievalResult::note says so.
//
// Thread-safety: thread-safe; any number of calls may run at once. Each call
// borrows read connections from a small pool (opened with the factory on
// demand) and returns them.
//
// Example:
//   Retriever retriever({}, open_reader, kb.indexes(), embedder.get(), reranker.get());
//   ASSIGN_OR_RETURN(RetrievalResult found,
//                    retriever.Retrieve({.workspace = ws, .query = "tax 2024",
//                                        .top_k = 4, .budget_tokens = 3000,
//                                        .chat_counter = counter}));
//   for (const Passage& p : found.passages) ...;  // p.number is the citation number
#ifndef HEARTH_APP_RETRIEVER_H_
#define HEARTH_APP_RETRIEVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "app/query_embedding_cache.h"
#include "app/query_models.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "models/token_counter.h"
#include "rag/lexical_index.h"
#include "rag/passage_packer.h"
#include "rag/rank_fusion.h"
#include "rag/workspace_indexes.h"
#include "store/database.h"
#include "store/workspace_table.h"

namespace hearth {

// Retriever names in RetrieverRank::retriever.
inline constexpr char kVectorRetriever[] = "vector";
inline constexpr char kLexicalRetriever[] = "lexical";

struct RetrievalRequest {
  WorkspaceRow workspace;  // its id, embedder and vector type are used
  std::string query;       // plain user text; must have a non-space character
  // The reranker model name; "" for none.
  std::string reranker;
  int top_n = 50;         // candidates per retriever, >= 1
  int rerank_top_m = 20;  // fused candidates the reranker reorders, >= 1
  int top_k = 4;          // candidates kept after ranking, >= 1
  // The threshold is compared with a candidate's relevance: the sigmoid of
  // its reranker score when it was reranked, else its cosine similarity when
  // the vector search found it. A candidate with neither (found only by
  // lexical search and not reranked) has no relevance and is kept: it made
  // the top_k by its fused rank. nullopt applies no threshold.
  std::optional<double> similarity_threshold;
  // Tokens the passages may take; kUnlimitedTokens for no limit (Retrieve only).
  int64_t budget_tokens = kUnlimitedTokens;
  // The chat model's tokenizer, borrowed for the call; null estimates one
  // token per four bytes (Retrieve only).
  TokenCounter* chat_counter = nullptr;
  // Chunks already in the thread's prompt: they come back as passages flagged
  // already_in_context, at no token cost (Retrieve only).
  std::vector<int64_t> already_in_context;
  // Whether pinned documents are added (Retrieve only).
  bool include_pinned = true;
};

// Milliseconds spent in each stage (0 for a stage that did not run).
struct RetrievalTimings {
  double query_embed_ms = 0;
  bool query_embed_cached = false;
  double vector_search_ms = 0;
  double lexical_search_ms = 0;
  double rerank_ms = 0;
};

struct RetrievalCounts {
  int vector = 0;   // hits from the vector search (ready documents only)
  int lexical = 0;  // hits from the lexical search (ready documents only)
  int fused = 0;    // distinct chunks after fusion
  int reranked = 0; // chunks the reranker scored
};

struct RetrievalResult {
  std::vector<Passage> passages;      // numbered 1..n in order
  std::vector<DroppedChunk> dropped;  // threshold, budget and duplicates
  int64_t tokens_used = 0;
  // Budget the passages already in the conversation take (not sent again).
  int64_t tokens_reused = 0;
  RetrievalTimings timings;
  RetrievalCounts counts;
  bool reranked = false;
  // Why the search was narrower than asked, e.g. "lexical only: workspace
  // 'notes' has no embedder"; "" otherwise.
  std::string note;
};

// One ranked chunk with every score it got.
struct ScoredChunk {
  ChunkRow chunk;
  std::string document_name;
  double fused_score = 0;
  std::optional<float> similarity;       // cosine, when the vector search found it
  std::optional<double> lexical_score;   // BM25, when the lexical index found it
  std::optional<double> rerank_score;    // raw reranker score, when reranked
  std::optional<double> relevance;       // what the threshold compared
  std::vector<RetrieverRank> found_by;
};

struct SearchResult {
  std::vector<ScoredChunk> hits;  // best first, at most top_k, above the threshold
  std::vector<DroppedChunk> dropped;  // below the threshold
  RetrievalTimings timings;
  RetrievalCounts counts;
  bool reranked = false;
  std::string note;
};

struct RetrieverOptions {
  size_t query_cache_entries = 1024;  // query embeddings kept (LRU)
  size_t max_idle_readers = 4;        // pooled read connections
  // Whether the BM25 search runs while the query is embedded; else it starts
  // once the embedding is done, beside the vector search.
  bool lexical_beside_embedding = false;
  // How the BM25 search spreads over threads.
  LexicalSearchOptions lexical;
};

// The options for a machine of `cores` whose embedders compute with
// `embedder_threads` threads (0: one per core). BM25 runs beside the query's
// embedding only on cores the embedder leaves free, split over those;
// otherwise it waits for the embedding and then runs beside the vector
// search on every core but one. Sharing a core with the embedder costs more
// than BM25 takes: the embedder's threads meet at a barrier after every step
// of its graph, so one preempted thread holds them all (on 2 cores at
// 100,000 chunks the query's embedding took 16.6 ms beside BM25 and 13.3 ms
// before it). And on 2 cores BM25 split over both, beside the vector search,
// was slower than on one (at 1M chunks: 11.1 against 10.5 ms p50 with
// another thread busy; 7.6 against 10.3 ms on an idle machine).
RetrieverOptions RetrieverOptionsFor(int cores, int embedder_threads);

class Retriever {
 public:
  using ReaderFactory = std::function<StatusOr<std::unique_ptr<Database>>()>;

  // `indexes` must outlive the Retriever; `embedder` and `reranker` are
  // borrowed, may be null (no vector search / no reranking) and must outlive
  // it too. `open_reader` opens a read connection to the store.
  Retriever(RetrieverOptions options, ReaderFactory open_reader, WorkspaceIndexes& indexes,
            QueryEmbedder* embedder, QueryReranker* reranker);
  ~Retriever();
  Retriever(const Retriever&) = delete;
  Retriever& operator=(const Retriever&) = delete;

  // Passages for a chat answer, within request.budget_tokens.
  // Errors: InvalidArgument for an empty query or top_n / rerank_top_m /
  // top_k < 1 or a budget < -1; FailedPrecondition when request.reranker is
  // set but the Retriever has no QueryReranker; Cancelled when `stop` is
  // requested; those of the store, the index and the models (an embedder
  // failure is an error, not a silent lexical fallback).
  StatusOr<RetrievalResult> Retrieve(const RetrievalRequest& request, std::stop_token stop = {});

  // The ranked chunks (steps 1-6), without pinned documents or packing;
  // budget_tokens, chat_counter, already_in_context and include_pinned are
  // ignored. Errors: as Retrieve.
  StatusOr<SearchResult> Search(const RetrievalRequest& request, std::stop_token stop = {});

  QueryEmbeddingCache& query_cache() { return cache_; }

 private:
  struct Ranking;
  class ReaderLease;
  StatusOr<Ranking> Rank(const RetrievalRequest& request, Database& db, std::stop_token stop);
  StatusOr<std::unique_ptr<Database>> BorrowReader();
  void ReturnReader(std::unique_ptr<Database> db);

  const RetrieverOptions options_;
  const ReaderFactory open_reader_;
  WorkspaceIndexes& indexes_;
  QueryEmbedder* const embedder_;
  QueryReranker* const reranker_;
  QueryEmbeddingCache cache_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_readers_ GUARDED_BY(mu_);
};

}  // namespace hearth

#endif  // HEARTH_APP_RETRIEVER_H_
