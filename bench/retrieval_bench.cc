// hearth-bench-retrieval: retrieval quality on SciFact and retrieval latency
// at scale.
//
// Quality: the 5,183 SciFact abstracts go into a real hearth store (one
// document per abstract, chunked by hearth's chunker in the embedder's
// tokens, stored through ChunkTable, marked ready) and the 300 test queries
// are run four ways: lexical by hearth's LexicalIndex (BM25 over heading
// prefix and text, what the Retriever uses), lexical by the FTS5 table
// (ChunkTable::SearchFts, the one it replaced, kept as the "before"), vector
// (the embedder's vectors in a VectorIndex), and hybrid (LexicalIndex and
// vector lists fused by reciprocal rank, k = 60). Chunk hits become
// documents by their first (best) occurrence. Reported as BEIR does:
// nDCG@10 and recall@100, averaged over the queries.
//
// Latency: N synthetic chunks (SciFact sentences drawn at random, so the
// lexical indexes have realistic postings; random 384-d unit vectors in an
// f16 VectorIndex) and the retriever's path in its order for this machine
// (RetrieverOptionsFor): with --query-embedder, the query text is embedded
// (first, unless cores are spare); then the ANN top 100 runs on a second
// thread while the LexicalIndex top 100 runs (through LexicalIndexes, as
// the Retriever does: it first checks the change log; split over threads
// as the Retriever's options say), each list is cut to 50, the lists are
// fused and the best 10 chunks are read back. Without an embedder the query
// vector is given. FTS5's top 100 for the same query is timed apart, as the
// "before". The LexicalIndex is built the way a server rebuilds it, from
// the chunks in SQLite. p50 / p95 over the queries, with build times and
// the lexical index's memory. The query embedding alone is also timed.
//
//   hearth-bench-retrieval --scifact DIR --vocab FILE [--embedder FILE]
//                          [--query-embedder FILE] [--latency-n N[,N...]]
//                          [--queries N] [--threads N]
//
// --vocab: a GGUF whose vocabulary sizes chunks (default: the embedder).
// --latency-n 0 skips the latency part.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/retriever.h"
#include "base/status.h"
#include "base/status_macros.h"
#include "bench/bench_flags.h"
#include "bench/bench_main.h"
#include "bench/bench_store.h"
#include "bench/scifact.h"
#include "models/inference_engine.h"
#include "models/vocab_tokenizer.h"
#include "rag/chunker.h"
#include "rag/lexical_index.h"
#include "rag/lexical_indexes.h"
#include "rag/rank_fusion.h"
#include "rag/vector_index.h"
#include "store/digest.h"

namespace hearth::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kEmbedBatch = 64;
constexpr int32_t kContext = 512;
constexpr size_t kQualityDepth = 300;  // chunks per list, enough for 100 documents
constexpr size_t kLatencyDepth = 50;
// What the retriever asks each index for at its default top_n of 50: twice
// as many, leaving room for chunks of documents not yet ready.
constexpr size_t kLatencyAsk = 2 * kLatencyDepth;
constexpr size_t kLatencyDims = 384;
constexpr size_t kChunksPerDocument = 10;
constexpr size_t kInsertGroup = 500;  // documents per transaction
constexpr size_t kWarmupQueries = 10;
// FTS5's "before" search is timed on this many of the queries: it is the
// reference the lexical index replaced (0.3 s a query at 100k, 2.7 s at 1M),
// and timing all of them would be most of the benchmark's run.
constexpr size_t kFtsQueries = 50;

struct Flags {
  fs::path scifact, vocab, embedder, query_embedder;
  std::vector<size_t> latency_n = {100000};
  size_t queries = 200;
  int threads = 2;
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Millis(Clock::time_point since) { return Seconds(since) * 1000; }

// A ranked list of chunk ids, best first.
using Ranking = std::vector<int64_t>;

// Reciprocal rank fusion as the Retriever does it (rag/rank_fusion.h).
Ranking Fuse(const Ranking& lexical, const Ranking& vector) {
  const std::array<RankedList, 2> lists = {RankedList{"vector", vector},
                                           RankedList{"lexical", lexical}};
  Ranking fused;
  for (const FusedCandidate& candidate : FuseRanks(lists)) fused.push_back(candidate.chunk_id);
  return fused;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t at = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

StatusOr<Ranking> LexicalRanking(BenchStore& store, std::string_view query, size_t depth) {
  ASSIGN_OR_RETURN(std::vector<FtsHit> hits,
                   store.chunks().SearchFts(store.workspace_id(), query, static_cast<int>(depth)));
  Ranking ranking;
  for (const FtsHit& hit : hits) ranking.push_back(hit.chunk_id);
  return ranking;
}

StatusOr<Ranking> IndexRanking(const LexicalIndex& index, std::string_view query, size_t depth) {
  ASSIGN_OR_RETURN(std::vector<LexicalHit> hits, index.Search(query, depth));
  Ranking ranking;
  for (const LexicalHit& hit : hits) ranking.push_back(hit.chunk_id);
  return ranking;
}

StatusOr<Ranking> VectorRanking(const VectorIndex& index, std::span<const float> query,
                                size_t depth) {
  ASSIGN_OR_RETURN(std::vector<VectorMatch> matches, index.Search(query, depth));
  Ranking ranking;
  for (const VectorMatch& match : matches) ranking.push_back(static_cast<int64_t>(match.key));
  return ranking;
}

// ---- Quality on SciFact ----------------------------------------------------

struct LoadedCorpus {
  std::unique_ptr<BenchStore> store;
  std::unordered_map<int64_t, size_t> document_of;  // chunk id -> index in set.documents
  std::vector<int64_t> chunk_ids;
  std::vector<std::string> embed_texts;  // parallel to chunk_ids
  LexicalIndex lexical;                  // the same chunks
  double seconds = 0;
};

StatusOr<std::unique_ptr<LoadedCorpus>> LoadCorpus(const ScifactSet& set,
                                                   TokenCounter& tokenizer) {
  const Clock::time_point start = Clock::now();
  auto loaded = std::make_unique<LoadedCorpus>();
  LoadedCorpus& corpus = *loaded;
  ASSIGN_OR_RETURN(corpus.store, BenchStore::Create("scifact"));
  RETURN_IF_ERROR(corpus.store->Begin());
  for (size_t d = 0; d < set.documents.size(); ++d) {
    const ScifactDocument& source = set.documents[d];
    StructuredDocument doc{.format = "text", .title = source.title};
    if (!source.text.empty()) doc.blocks.push_back({.text = source.text});
    const std::string& name = source.title.empty() ? source.id : source.title;
    ASSIGN_OR_RETURN(std::vector<Chunk> chunks, ChunkDocument(doc, name, {}, tokenizer));
    std::vector<ChunkRow> rows;
    for (const Chunk& chunk : chunks) rows.push_back(ChunkRowOf(chunk, static_cast<int64_t>(rows.size())));
    ASSIGN_OR_RETURN(std::vector<int64_t> ids, corpus.store->AddDocument(source.id, source.title, rows));
    for (size_t i = 0; i < ids.size(); ++i) {
      corpus.document_of[ids[i]] = d;
      corpus.chunk_ids.push_back(ids[i]);
      RETURN_IF_ERROR(corpus.lexical.Add(ids[i], rows[i].embed_prefix, rows[i].text));
      corpus.embed_texts.push_back(std::move(chunks[i].embed_text));
    }
  }
  RETURN_IF_ERROR(corpus.store->Commit());
  corpus.seconds = Seconds(start);
  return loaded;
}

// Document ids in the order of their best chunk.
std::vector<std::string> Documents(const Ranking& ranking, const LoadedCorpus& corpus,
                                   const ScifactSet& set) {
  std::vector<std::string> ids;
  std::vector<bool> seen(set.documents.size());
  for (int64_t chunk : ranking) {
    const size_t d = corpus.document_of.at(chunk);
    if (seen[d]) continue;
    seen[d] = true;
    ids.push_back(set.documents[d].id);
  }
  return ids;
}

struct Quality {
  std::string name;
  double ndcg = 0, recall = 0;
  void Add(const std::vector<std::string>& ranked, const ScifactQuery& query, size_t total) {
    ndcg += NdcgAt10(ranked, query.relevant) / static_cast<double>(total);
    recall += RecallAt100(ranked, query.relevant) / static_cast<double>(total);
  }
};

StatusOr<std::vector<std::vector<float>>> EmbedAll(InferenceEngine& engine,
                                                   const std::vector<std::string>& texts) {
  std::vector<std::vector<float>> vectors;
  for (size_t begin = 0; begin < texts.size(); begin += kEmbedBatch) {
    const size_t end = std::min(texts.size(), begin + kEmbedBatch);
    EmbedRequest request{.inputs = {texts.begin() + static_cast<ptrdiff_t>(begin),
                                    texts.begin() + static_cast<ptrdiff_t>(end)}};
    ASSIGN_OR_RETURN(EmbedResult result, engine.Embed(request, {}));
    for (std::vector<float>& v : result.embeddings) vectors.push_back(std::move(v));
  }
  return vectors;
}

StatusOr<std::unique_ptr<InferenceEngine>> OpenEmbedder(const fs::path& path, int threads) {
  return InferenceEngine::Open({.model_path = path, .context_length = kContext,
                                .threads = threads, .batch_size = kContext});
}

// The chunks' and the test queries' vectors in an index; the query vectors
// are returned in `query_vectors`.
StatusOr<std::unique_ptr<VectorIndex>> EmbedCorpus(const Flags& flags, const LoadedCorpus& corpus,
                                                   const ScifactSet& set,
                                                   std::vector<std::vector<float>>* query_vectors,
                                                   double* seconds) {
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<InferenceEngine> engine, OpenEmbedder(flags.embedder, flags.threads));
  ASSIGN_OR_RETURN(std::vector<std::vector<float>> vectors, EmbedAll(*engine, corpus.embed_texts));
  std::vector<std::string> queries;
  for (const ScifactQuery& query : set.test_queries) queries.push_back(query.text);
  ASSIGN_OR_RETURN(*query_vectors, EmbedAll(*engine, queries));
  ASSIGN_OR_RETURN(std::unique_ptr<VectorIndex> index,
                   VectorIndex::Create({.dimensions = vectors.at(0).size()}));
  for (size_t i = 0; i < vectors.size(); ++i) {
    RETURN_IF_ERROR(index->Add(static_cast<uint64_t>(corpus.chunk_ids[i]), vectors[i]));
  }
  *seconds = Seconds(start);
  return index;
}

Status RunQuality(const Flags& flags, const ScifactSet& set) {
  ASSIGN_OR_RETURN(std::unique_ptr<VocabTokenizer> tokenizer, VocabTokenizer::Open(flags.vocab));
  std::fprintf(stderr, "loading %zu SciFact abstracts into a hearth store...\n", set.documents.size());
  ASSIGN_OR_RETURN(std::unique_ptr<LoadedCorpus> loaded, LoadCorpus(set, *tokenizer));
  const LoadedCorpus& corpus = *loaded;
  std::unique_ptr<VectorIndex> index;
  std::vector<std::vector<float>> query_vectors;
  double embed_seconds = 0;
  if (!flags.embedder.empty()) {
    std::fprintf(stderr, "embedding %zu chunks with %s...\n", corpus.embed_texts.size(),
                 flags.embedder.filename().c_str());
    ASSIGN_OR_RETURN(index, EmbedCorpus(flags, corpus, set, &query_vectors, &embed_seconds));
  }
  Quality lexical{.name = "lexical (LexicalIndex BM25, hearth's own; the Retriever's)"};
  Quality fts{.name = "lexical before (SearchFts, FTS5 BM25)"};
  Quality vector{.name = "vector (VectorIndex f16)"}, hybrid{.name = "hybrid (RRF, rag/rank_fusion.h, k = 60)"};
  const size_t total = set.test_queries.size();
  for (size_t q = 0; q < total; ++q) {
    const ScifactQuery& query = set.test_queries[q];
    ASSIGN_OR_RETURN(Ranking lexical_ranking, IndexRanking(corpus.lexical, query.text, kQualityDepth));
    lexical.Add(Documents(lexical_ranking, corpus, set), query, total);
    ASSIGN_OR_RETURN(Ranking fts_ranking, LexicalRanking(*corpus.store, query.text, kQualityDepth));
    fts.Add(Documents(fts_ranking, corpus, set), query, total);
    if (index == nullptr) continue;
    ASSIGN_OR_RETURN(Ranking vector_ranking, VectorRanking(*index, query_vectors[q], kQualityDepth));
    vector.Add(Documents(vector_ranking, corpus, set), query, total);
    hybrid.Add(Documents(Fuse(lexical_ranking, vector_ranking), corpus, set), query, total);
  }
  std::printf("### Quality: SciFact (BEIR test split)\n\n");
  std::printf("%zu abstracts -> %zu chunks (hearth's chunker, default options, tokens of %s), "
              "stored in %.1f s; %zu test queries. Chunk hits become documents by their best chunk.\n\n",
              set.documents.size(), corpus.chunk_ids.size(), flags.vocab.filename().c_str(),
              corpus.seconds, total);
  std::printf("| retrieval | nDCG@10 | recall@100 |\n|---|---:|---:|\n");
  std::printf("| %s | %.4f | %.4f |\n", lexical.name.c_str(), lexical.ndcg, lexical.recall);
  std::printf("| %s | %.4f | %.4f |\n", fts.name.c_str(), fts.ndcg, fts.recall);
  if (index == nullptr) {
    std::printf("\nNo vector or hybrid rows: no --embedder was given.\n");
  } else {
    std::printf("| %s | %.4f | %.4f |\n", vector.name.c_str(), vector.ndcg, vector.recall);
    std::printf("| %s | %.4f | %.4f |\n", hybrid.name.c_str(), hybrid.ndcg, hybrid.recall);
    std::printf("\nEmbedder: %s (%zu-d), embedding the chunks and queries took %.1f s. "
                "**It is a fixture with random weights**: its vectors carry no meaning, so the "
                "vector row is near zero and the hybrid row shows what fusing a useless list costs "
                "the lexical one; the rows measure the plumbing, not a real embedder.\n",
                flags.embedder.filename().c_str(), index->dimensions(), embed_seconds);
  }
  std::printf("\nPublished BM25 on SciFact (BEIR): nDCG@10 0.665.\n\n");
  return OkStatus();
}

// ---- Latency at scale ------------------------------------------------------

// The sentences and titles synthetic chunks are drawn from.
struct TextPool {
  std::vector<std::string> sentences, titles;
};

TextPool PoolOf(const ScifactSet& set) {
  TextPool pool;
  for (const ScifactDocument& doc : set.documents) {
    pool.titles.push_back(doc.title);
    size_t begin = 0;
    while (begin < doc.text.size()) {
      size_t end = doc.text.find(". ", begin);
      end = end == std::string::npos ? doc.text.size() : end + 1;
      pool.sentences.push_back(doc.text.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  return pool;
}

// A chunk of 4..9 random sentences (about an abstract's length).
ChunkRow SyntheticRow(const TextPool& pool, const std::string& prefix, int64_t ordinal,
                      std::mt19937& rng) {
  std::uniform_int_distribution<size_t> pick(0, pool.sentences.size() - 1);
  const size_t count = std::uniform_int_distribution<size_t>(4, 9)(rng);
  ChunkRow row{.ordinal = ordinal, .embed_prefix = prefix};
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) row.text += ' ';
    row.text += pool.sentences[pick(rng)];
  }
  row.token_count = static_cast<int64_t>(row.text.size() / 4);
  row.content_hash = Sha256Of(prefix + row.text).Hex();
  return row;
}

std::vector<float> RandomUnitVectors(size_t count, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> out(count * kLatencyDims);
  for (size_t i = 0; i < count; ++i) {
    float* row = &out[i * kLatencyDims];
    float norm = 0;
    for (size_t d = 0; d < kLatencyDims; ++d) {
      row[d] = normal(rng);
      norm += row[d] * row[d];
    }
    for (size_t d = 0; d < kLatencyDims; ++d) row[d] /= std::sqrt(norm);
  }
  return out;
}

struct ScaleStore {
  std::unique_ptr<BenchStore> store;
  std::unique_ptr<LexicalIndexes> lexical;
  std::unique_ptr<VectorIndex> index;
  double store_seconds = 0, lexical_seconds = 0, index_seconds = 0;
  size_t lexical_bytes = 0;
};

// The workspace's LexicalIndex, rebuilt from the chunks in SQLite as a
// server does on first use.
Status BuildLexical(ScaleStore& scale) {
  const Clock::time_point start = Clock::now();
  const DatabaseOptions database{.path = scale.store->dir() / "hearth.db"};
  scale.lexical = std::make_unique<LexicalIndexes>(
      LexicalIndexesOptions{.dir = scale.store->dir() / "index"},
      [database] { return Database::Open(database); });
  RETURN_IF_ERROR(scale.lexical->CatchUp(scale.store->workspace_id()));
  scale.lexical_seconds = Seconds(start);
  scale.lexical_bytes = scale.lexical->MemoryBytes(scale.store->workspace_id());
  return OkStatus();
}

StatusOr<ScaleStore> BuildScale(size_t count, const TextPool& pool) {
  ScaleStore scale;
  std::mt19937 rng(42);
  Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(scale.store, BenchStore::Create("scale"));
  std::uniform_int_distribution<size_t> pick_title(0, pool.titles.size() - 1);
  for (size_t done = 0, document = 0; done < count; ++document) {
    if (document % kInsertGroup == 0) RETURN_IF_ERROR(scale.store->Begin());
    const std::string prefix = pool.titles[pick_title(rng)] + "\n\n";
    std::vector<ChunkRow> rows;
    for (; rows.size() < kChunksPerDocument && done < count; ++done) {
      rows.push_back(SyntheticRow(pool, prefix, static_cast<int64_t>(rows.size()), rng));
    }
    RETURN_IF_ERROR(scale.store->AddDocument("doc-" + std::to_string(document), "", rows).status());
    if (document % kInsertGroup == kInsertGroup - 1 || done == count) {
      RETURN_IF_ERROR(scale.store->Commit());
      if (document % (kInsertGroup * 20) == kInsertGroup * 20 - 1) {
        std::fprintf(stderr, "  %zu chunks stored (%.0f s)\n", done, Seconds(start));
      }
    }
  }
  scale.store_seconds = Seconds(start);
  std::fprintf(stderr, "  building the lexical index from the store...\n");
  RETURN_IF_ERROR(BuildLexical(scale));
  start = Clock::now();
  ASSIGN_OR_RETURN(scale.index, VectorIndex::Create({.dimensions = kLatencyDims}));
  constexpr size_t kAddGroup = 10000;
  for (size_t begin = 0; begin < count; begin += kAddGroup) {
    const size_t n = std::min(kAddGroup, count - begin);
    std::vector<uint64_t> keys(n);
    for (size_t i = 0; i < n; ++i) keys[i] = begin + i + 1;  // chunk ids start at 1
    RETURN_IF_ERROR(scale.index->AddBatch(keys, RandomUnitVectors(n, rng)));
    if ((begin / kAddGroup) % 10 == 9) {
      std::fprintf(stderr, "  %zu vectors indexed (%.0f s)\n", begin + n, Seconds(start));
    }
  }
  scale.index_seconds = Seconds(start);
  return scale;
}

struct Timings {
  std::vector<double> fts, lexical, embed, ann, total;
};

// One query down the retrieval path in the server's order (app/retriever.cc,
// with `order` from RetrieverOptionsFor); appends its times. With
// `embedder` the query text is embedded first (or, when the order says
// cores are spare, on the vector thread while BM25 runs), and the vector
// search then uses the random `vector` (the chunks' vectors are random: an
// embedding of the text would find nothing nearer).
Status TimeQuery(ScaleStore& scale, InferenceEngine* embedder, const RetrieverOptions& order,
                 std::string_view text, std::span<const float> vector, Timings* timings) {
  const Clock::time_point start = Clock::now();
  double embed_ms = 0;
  const auto embed = [&]() -> Status {
    if (embedder == nullptr) return OkStatus();
    const Clock::time_point embed_start = Clock::now();
    RETURN_IF_ERROR(embedder->Embed({.inputs = {std::string(text)}}, {}).status());
    embed_ms = Millis(embed_start);
    return OkStatus();
  };
  if (!order.lexical_beside_embedding) RETURN_IF_ERROR(embed());
  std::future<StatusOr<std::pair<Ranking, double>>> ann =
      std::async(std::launch::async, [&]() -> StatusOr<std::pair<Ranking, double>> {
        if (order.lexical_beside_embedding) RETURN_IF_ERROR(embed());
        const Clock::time_point ann_start = Clock::now();
        ASSIGN_OR_RETURN(Ranking ranking, VectorRanking(*scale.index, vector, kLatencyAsk));
        return std::make_pair(std::move(ranking), Millis(ann_start));
      });
  const Clock::time_point lexical_start = Clock::now();
  StatusOr<std::vector<LexicalHit>> lexical =
      scale.lexical->Search(scale.store->workspace_id(), text, kLatencyAsk, order.lexical);
  const double lexical_ms = Millis(lexical_start);
  StatusOr<std::pair<Ranking, double>> nearest = ann.get();
  RETURN_IF_ERROR(lexical.status());
  RETURN_IF_ERROR(nearest.status());
  // Every chunk is ready: each list keeps its first 50, as the retriever's.
  Ranking lexical_ranking;
  for (const LexicalHit& hit : *lexical) {
    if (lexical_ranking.size() < kLatencyDepth) lexical_ranking.push_back(hit.chunk_id);
  }
  Ranking& vector_ranking = nearest->first;
  vector_ranking.resize(std::min(vector_ranking.size(), kLatencyDepth));
  Ranking fused = Fuse(lexical_ranking, vector_ranking);
  fused.resize(std::min<size_t>(fused.size(), 10));
  ASSIGN_OR_RETURN(std::vector<ChunkRow> rows, scale.store->chunks().GetByIds(fused));
  const double total_ms = Millis(start);
  if (timings == nullptr) return OkStatus();
  timings->total.push_back(total_ms);
  timings->lexical.push_back(lexical_ms);
  timings->embed.push_back(embed_ms);
  timings->ann.push_back(nearest->second);
  return OkStatus();
}

StatusOr<Timings> TimeQueries(ScaleStore& scale, InferenceEngine* embedder,
                              const RetrieverOptions& order, const ScifactSet& set,
                              size_t queries) {
  std::mt19937 rng(7);
  const std::vector<float> vectors = RandomUnitVectors(queries, rng);
  const auto text = [&](size_t q) -> const std::string& {
    return set.all_query_texts[q % set.all_query_texts.size()];
  };
  for (size_t q = 0; q < kWarmupQueries; ++q) {
    RETURN_IF_ERROR(
        TimeQuery(scale, embedder, order, text(q), {&vectors[q * kLatencyDims], kLatencyDims},
                  nullptr));
  }
  Timings timings;
  for (size_t q = 0; q < queries; ++q) {
    RETURN_IF_ERROR(
        TimeQuery(scale, embedder, order, text(q), {&vectors[q * kLatencyDims], kLatencyDims},
                  &timings));
  }
  // The FTS5 search BM25 replaced, for the first of the same queries, after
  // the path's (between them its long scans would leave the path's caches
  // cold).
  for (size_t q = 0; q < std::min(queries, kFtsQueries); ++q) {
    const Clock::time_point fts_start = Clock::now();
    RETURN_IF_ERROR(LexicalRanking(*scale.store, text(q), kLatencyAsk).status());
    timings.fts.push_back(Millis(fts_start));
  }
  return timings;
}

std::string P50P95(const std::vector<double>& ms) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.2f / %.2f", Percentile(ms, 0.5), Percentile(ms, 0.95));
  return text;
}

Status RunLatency(const Flags& flags, const ScifactSet& set) {
  const TextPool pool = PoolOf(set);
  // The query path embeds each query with the query embedder when given.
  std::unique_ptr<InferenceEngine> embedder;
  if (!flags.query_embedder.empty()) {
    ASSIGN_OR_RETURN(embedder, OpenEmbedder(flags.query_embedder, flags.threads));
  }
  // The server's order for this machine and the embedder's threads.
  const RetrieverOptions order =
      RetrieverOptionsFor(static_cast<int>(std::thread::hardware_concurrency()), flags.threads);
  std::printf("### Latency: retrieval\n\n");
  std::printf("Synthetic chunks: 4-9 SciFact sentences drawn at random (%zu sentences to draw from), "
              "a SciFact title as heading prefix, %zu chunks per document, random %zu-d unit "
              "vectors in a VectorIndex (f16, M 16, ef 128). Per query, the server's retriever's "
              "path at its default top_n of %zu: the ANN top %zu on a second thread while the "
              "LexicalIndex top %zu runs (LexicalIndexes::Search, change-log check included, "
              "split over %d threads from %zu chunks on), each list cut to its first %zu, RRF "
              "(k = %.0f), then the best 10 chunks read back: the hybrid total. The FTS5 top %zu "
              "of the first %zu of the same queries (ChunkTable::SearchFts, what the lexical leg "
              "was before) is timed apart, after them. Query texts are SciFact's %zu queries (cycled), query vectors "
              "random; %zu queries after %zu untimed. The lexical index is rebuilt from the "
              "store as a server does (lexical build s) and its memory is "
              "LexicalIndex::memory_bytes(). Times in ms, p50 / p95.\n\n",
              pool.sentences.size(), kChunksPerDocument, kLatencyDims, kLatencyDepth, kLatencyAsk,
              kLatencyAsk, order.lexical.threads, 2 * order.lexical.min_part_chunks,
              kLatencyDepth, kReciprocalRankK, kLatencyAsk, std::min(flags.queries, kFtsQueries),
              set.all_query_texts.size(),
              flags.queries, kWarmupQueries);
  if (embedder != nullptr) {
    std::printf("With the query: the query text is embedded with %s (%d threads) %s, as the "
                "server's retriever does on a machine of %u cores (RetrieverOptionsFor); "
                "\"query embedding\" is that step and \"with the query\" the whole path.\n\n",
                flags.query_embedder.filename().c_str(), flags.threads,
                order.lexical_beside_embedding
                    ? "on the vector thread while BM25 runs (cores are spare), then searched"
                    : "first, on every core, and then BM25 and the ANN search run",
                std::thread::hardware_concurrency());
  }
  std::printf("| chunks | store build s | lexical build s | lexical MB (bytes/chunk) | vector "
              "build s | database MB | FTS5 top %zu (before) | LexicalIndex top %zu | ANN top %zu | "
              "%s |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%s\n",
              kLatencyAsk, kLatencyAsk, kLatencyAsk,
              embedder != nullptr ? "query embedding | hybrid total, with the query"
                                  : "hybrid total",
              embedder != nullptr ? "---:|" : "");
  for (size_t count : flags.latency_n) {
    std::fprintf(stderr, "building %zu synthetic chunks...\n", count);
    ASSIGN_OR_RETURN(ScaleStore scale, BuildScale(count, pool));
    ASSIGN_OR_RETURN(Timings timings,
                     TimeQueries(scale, embedder.get(), order, set, flags.queries));
    const std::string embed_column =
        embedder != nullptr ? P50P95(timings.embed) + " | " : std::string();
    std::printf("| %zu | %.1f | %.1f | %.0f (%.0f) | %.1f | %.0f | %s | %s | %s | %s%s |\n", count,
                scale.store_seconds, scale.lexical_seconds,
                static_cast<double>(scale.lexical_bytes) / 1e6,
                static_cast<double>(scale.lexical_bytes) / static_cast<double>(count),
                scale.index_seconds, static_cast<double>(scale.store->DiskBytes()) / 1e6,
                P50P95(timings.fts).c_str(), P50P95(timings.lexical).c_str(),
                P50P95(timings.ann).c_str(), embed_column.c_str(), P50P95(timings.total).c_str());
    std::fflush(stdout);
  }
  std::printf("\n");
  return OkStatus();
}

Status RunQueryEmbedding(const Flags& flags) {
  constexpr int kRuns = 50;
  ASSIGN_OR_RETURN(std::unique_ptr<InferenceEngine> engine,
                   OpenEmbedder(flags.query_embedder, flags.threads));
  const std::string query = "Does vitamin D supplementation reduce the risk of fractures?";
  std::vector<double> ms;
  for (int run = 0; run < kRuns + 3; ++run) {
    const Clock::time_point start = Clock::now();
    ASSIGN_OR_RETURN(EmbedResult result, engine->Embed({.inputs = {query}}, {}));
    if (run >= 3) ms.push_back(Millis(start));
  }
  std::printf("### Query embedding\n\n");
  std::printf("One short query (\"%s\") embedded by %s in process (%d threads), %d runs after 3 "
              "untimed: p50 / p95 %s ms. Add it to the hybrid total for the full query path.\n\n",
              query.c_str(), flags.query_embedder.filename().c_str(), flags.threads, kRuns,
              P50P95(ms).c_str());
  return OkStatus();
}

Status Run(const Flags& flags) {
  ASSIGN_OR_RETURN(ScifactSet set, LoadScifact(flags.scifact));
  RETURN_IF_ERROR(RunQuality(flags, set));
  if (!flags.query_embedder.empty()) RETURN_IF_ERROR(RunQueryEmbedding(flags));
  if (!flags.latency_n.empty()) RETURN_IF_ERROR(RunLatency(flags, set));
  return OkStatus();
}

StatusOr<std::vector<size_t>> ParseSizes(std::string_view text) {
  std::vector<size_t> sizes;
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = std::min(text.find(',', begin), text.size());
    const std::string part(text.substr(begin, end - begin));
    char* rest = nullptr;
    const unsigned long long value = std::strtoull(part.c_str(), &rest, 10);
    if (part.empty() || *rest != '\0') return InvalidArgumentError("bad --latency-n " + std::string(text));
    if (value > 0) sizes.push_back(value);
    begin = end + 1;
  }
  return sizes;
}

StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  FlagParser parser(
      "hearth-bench-retrieval --scifact DIR --vocab FILE [--embedder FILE] "
      "[--query-embedder FILE] [--latency-n N[,N...] (0: none)] [--queries N >= 1] "
      "[--threads N >= 1]");
  parser.Path("--scifact", &flags.scifact)
      .Path("--vocab", &flags.vocab)
      .Path("--embedder", &flags.embedder)
      .Path("--query-embedder", &flags.query_embedder)
      .Custom("--latency-n",
              [&flags](const std::string& value) -> Status {
                ASSIGN_OR_RETURN(flags.latency_n, ParseSizes(value));
                return OkStatus();
              })
      .Size("--queries", &flags.queries)
      .Int("--threads", &flags.threads);
  RETURN_IF_ERROR(parser.Parse(argc, argv));
  if (flags.vocab.empty()) flags.vocab = flags.embedder;
  if (flags.scifact.empty() || flags.vocab.empty() || flags.queries < 1 || flags.threads < 1) {
    return parser.Usage();
  }
  return flags;
}

}  // namespace
}  // namespace hearth::bench

int main(int argc, char** argv) {
  return hearth::bench::BenchMain("hearth-bench-retrieval", argc, argv, hearth::bench::ParseFlags, hearth::bench::Run);
}
