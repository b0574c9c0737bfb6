#include "app/retriever.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "store/embedding_cache.h"
#include "store/index_change_log.h"
#include "store/store_test_database.h"

namespace hearth {
namespace {

constexpr char kEmbedderId[] = "sha256-fake-embedder";

std::vector<float> Unit(std::vector<float> v) {
  float norm = 0;
  for (float x : v) norm += x * x;
  for (float& x : v) x /= std::sqrt(norm);
  return v;
}
const std::vector<float> kE1 = {1, 0, 0, 0}, kE2 = {0, 1, 0, 0}, kE3 = {0, 0, 1, 0};

// Embeds the queries it knows; counts its calls.
class FakeEmbedder final : public QueryEmbedder {
 public:
  StatusOr<std::string> IdentityOf(std::string_view model) override {
    if (model != "embed-a") return NotFoundError("model '" + std::string(model) + "' not found");
    return std::string(kEmbedderId);
  }
  StatusOr<std::vector<float>> Embed(std::string_view, std::string_view text,
                                     std::stop_token) override {
    ++calls;
    if (on_embed) on_embed();
    auto it = vectors.find(std::string(text));
    if (it == vectors.end()) return UnavailableError("embedder runner died");
    return it->second;
  }
  std::map<std::string, std::vector<float>> vectors = {
      {"cherry", kE2}, {"durian", kE1}, {"apple", kE1}, {"nothing matches", kE3}};
  std::atomic<int> calls{0};
  std::function<void()> on_embed;  // runs in each Embed call
};

// Scores a passage 5 when it holds `favourite`, else -5.
class FakeReranker final : public QueryReranker {
 public:
  StatusOr<std::vector<float>> Rerank(std::string_view, std::string_view,
                                      std::span<const std::string> documents,
                                      std::stop_token) override {
    std::vector<float> scores;
    for (const std::string& text : documents) {
      scores.push_back(text.find(favourite) != std::string::npos ? 5.0f : -5.0f);
    }
    return scores;
  }
  std::string favourite = "banana";
};

class WordCounter final : public TokenCounter {
 public:
  StatusOr<std::vector<int32_t>> CountTokens(std::span<const std::string_view> texts) override {
    std::vector<int32_t> counts;
    for (std::string_view text : texts) {
      std::istringstream words{std::string(text)};
      int32_t n = 0;
      for (std::string word; words >> word;) ++n;
      counts.push_back(n);
    }
    return counts;
  }
};

// Two ready documents:
//   doc-a: a0 "apple orchard harvest" (e1), a1 "banana plantation" (e2)
//   doc-b: b0 "cherry apple pie" (0.6 e2 + 0.8 e4), b1 "durian market" (e3)
// and doc-c, still embedding: c0 "cherry apple" (e2).
class RetrieverTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto workspace = WorkspaceTable(db()).Get(MakeWorkspace("notes"));
    ASSERT_TRUE(workspace.ok()) << workspace.status();
    workspace_ = *workspace;
    const DatabaseOptions options{.path = path()};
    open_reader_ = [options] { return Database::Open(options); };
    indexes_ = std::make_unique<WorkspaceIndexes>(
        WorkspaceIndexesOptions{.dir = dir_ / "index"}, open_reader_);
    doc_a_ = MakeDocument(workspace_.id, 'a');
    doc_b_ = MakeDocument(workspace_.id, 'b');
    const int64_t doc_c = MakeDocument(workspace_.id, 'c', DocumentStatus::kEmbedding);
    a_ = AddChunks(doc_a_, {"apple orchard harvest", "banana plantation"}, {kE1, kE2});
    b_ = AddChunks(doc_b_, {"cherry apple pie", "durian market"},
                   {Unit({0, 0.6f, 0, 0.8f}), kE3});
    c_ = AddChunks(doc_c, {"cherry apple"}, {kE2});
    retriever_ = NewRetriever(&embedder_, &reranker_);
  }
  void TearDown() override {
    retriever_.reset();
    indexes_.reset();
    StoreTest::TearDown();
  }

  std::unique_ptr<Retriever> NewRetriever(QueryEmbedder* embedder, QueryReranker* reranker,
                                          RetrieverOptions options = {}) {
    return std::make_unique<Retriever>(options, open_reader_, *indexes_, embedder, reranker);
  }
  bool LexicalIndexOpen() { return indexes_->lexical().OriginOf(workspace_.id).has_value(); }

  // Commits chunks with vectors as ingestion does; returns their ids.
  std::vector<int64_t> AddChunks(int64_t document, std::vector<std::string> texts,
                                 std::vector<std::vector<float>> vectors) {
    std::vector<ChunkRow> rows;
    std::vector<CachedEmbedding> cached;
    for (size_t i = 0; i < texts.size(); ++i) {
      rows.push_back(Chunk(static_cast<int64_t>(i), texts[i]));
      cached.push_back({.content_hash = rows.back().content_hash, .vector = vectors[i]});
    }
    EXPECT_TRUE(EmbeddingCache(db()).Store(kEmbedderId, cached).ok());
    auto ids = ChunkTable(db()).InsertBatch(document, rows);
    EXPECT_TRUE(ids.ok()) << ids.status();
    auto sequence = IndexChangeLog(db()).AppendAdds(workspace_.id, kEmbedderId, *ids);
    EXPECT_TRUE(sequence.ok()) << sequence.status();
    Status added = indexes_->Add(IndexKeyOf(workspace_, kEmbedderId), *ids, vectors, *sequence);
    EXPECT_TRUE(added.ok()) << added;
    return *ids;
  }

  RetrievalRequest Request(std::string query, int top_n, int top_k) {
    return {.workspace = workspace_, .query = std::move(query), .top_n = top_n, .top_k = top_k};
  }

  SearchResult MustSearch(const RetrievalRequest& request) {
    auto result = retriever_->Search(request);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? std::move(*result) : SearchResult{};
  }
  RetrievalResult MustRetrieve(const RetrievalRequest& request) {
    auto result = retriever_->Retrieve(request);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? std::move(*result) : RetrievalResult{};
  }

  static std::vector<int64_t> Ids(const SearchResult& result) {
    std::vector<int64_t> ids;
    for (const ScoredChunk& hit : result.hits) ids.push_back(hit.chunk.id);
    return ids;
  }

  WorkspaceRow workspace_;
  Retriever::ReaderFactory open_reader_;
  std::unique_ptr<WorkspaceIndexes> indexes_;
  FakeEmbedder embedder_;
  FakeReranker reranker_;
  std::unique_ptr<Retriever> retriever_;
  int64_t doc_a_ = 0, doc_b_ = 0;
  std::vector<int64_t> a_, b_, c_;
};

TEST_F(RetrieverTest, ChunkFoundByBothRetrieversRanksFirst) {
  // Vector top 2: a1 (1.0), b0 (0.6). Lexical: b0 (c0's document is not ready).
  const SearchResult result = MustSearch(Request("cherry", 2, 2));
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{b_[0], a_[1]}));
  EXPECT_EQ(result.hits[0].found_by,
            (std::vector<RetrieverRank>{{"vector", 2}, {"lexical", 1}}));
  ASSERT_TRUE(result.hits[0].similarity.has_value());
  EXPECT_NEAR(*result.hits[0].similarity, 0.6, 0.01);
  EXPECT_TRUE(result.hits[0].lexical_score.has_value());
  EXPECT_FALSE(result.hits[1].lexical_score.has_value());
  EXPECT_EQ(result.hits[0].document_name, "doc-b");
  EXPECT_EQ(result.counts.vector, 2);
  EXPECT_EQ(result.counts.lexical, 1);
  EXPECT_EQ(result.counts.fused, 2);
  EXPECT_EQ(result.note, "");
  EXPECT_FALSE(result.reranked);
}

TEST_F(RetrieverTest, ThresholdDropsLowSimilarity) {
  RetrievalRequest request = Request("cherry", 2, 2);
  request.similarity_threshold = 0.8;
  const RetrievalResult result = MustRetrieve(request);
  ASSERT_EQ(result.passages.size(), 1u);
  EXPECT_EQ(result.passages[0].chunk_ids, (std::vector<int64_t>{a_[1]}));
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].chunk_id, b_[0]);
  EXPECT_EQ(result.dropped[0].reason, DropReason::kBelowThreshold);

  const SearchResult searched = MustSearch(request);
  EXPECT_EQ(Ids(searched), (std::vector<int64_t>{a_[1]}));
  ASSERT_EQ(searched.dropped.size(), 1u);
  EXPECT_EQ(searched.dropped[0].chunk_id, b_[0]);
}

TEST_F(RetrieverTest, LexicalOnlyChunkIsKeptDespiteTheThreshold) {
  // Vector top 1: a0; lexical: b1. No similarity for b1, so no threshold.
  RetrievalRequest request = Request("durian", 1, 2);
  request.similarity_threshold = 0.5;
  const SearchResult result = MustSearch(request);
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{a_[0], b_[1]}));
  EXPECT_FALSE(result.hits[1].relevance.has_value());
}

TEST_F(RetrieverTest, RerankerReordersAndItsScoreIsThresholded) {
  RetrievalRequest request = Request("cherry", 2, 2);
  request.reranker = "rerank-a";
  SearchResult result = MustSearch(request);
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{a_[1], b_[0]}));
  EXPECT_TRUE(result.reranked);
  EXPECT_EQ(result.counts.reranked, 2);
  ASSERT_TRUE(result.hits[0].relevance.has_value());
  EXPECT_NEAR(*result.hits[0].relevance, 1 / (1 + std::exp(-5.0)), 1e-6);

  request.similarity_threshold = 0.5;
  result = MustSearch(request);
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{a_[1]}));
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].chunk_id, b_[0]);
}

TEST_F(RetrieverTest, RerankerAskedForButMissingIsAnError) {
  retriever_ = NewRetriever(&embedder_, nullptr);
  RetrievalRequest request = Request("cherry", 2, 2);
  request.reranker = "rerank-a";
  auto result = retriever_->Retrieve(request);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(result.status().message().find("rerank-a"), std::string::npos);
}

TEST_F(RetrieverTest, PinnedDocumentComesFirstWhole) {
  ASSERT_TRUE(DocumentTable(db()).SetPinned(doc_b_, true).ok());
  const RetrievalResult result = MustRetrieve(Request("apple", 1, 1));
  ASSERT_EQ(result.passages.size(), 2u);
  EXPECT_TRUE(result.passages[0].pinned);
  EXPECT_EQ(result.passages[0].number, 1);
  EXPECT_EQ(result.passages[0].document_name, "doc-b");
  EXPECT_EQ(result.passages[0].chunk_ids, (std::vector<int64_t>{b_[0], b_[1]}));
  EXPECT_EQ(result.passages[0].text, "cherry apple pie\ndurian market");
  EXPECT_EQ(result.passages[1].chunk_ids, (std::vector<int64_t>{a_[0]}));

  RetrievalRequest unpinned = Request("apple", 1, 1);
  unpinned.include_pinned = false;
  EXPECT_EQ(MustRetrieve(unpinned).passages.size(), 1u);
}

TEST_F(RetrieverTest, AlreadyInContextIsNotSentButTakesItsShareOfTheBudget) {
  WordCounter counter;
  RetrievalRequest request = Request("cherry", 2, 2);
  request.chat_counter = &counter;
  request.budget_tokens = 6;  // "[2] doc-a, p. 1" + "banana plantation" is 6
  request.already_in_context = {b_[0]};
  RetrievalResult result = MustRetrieve(request);
  ASSERT_EQ(result.passages.size(), 1u);
  EXPECT_TRUE(result.passages[0].already_in_context);
  EXPECT_GT(result.tokens_reused, 0);
  EXPECT_EQ(result.dropped.size(), 1u);  // the shared passage took part of the 6

  request.budget_tokens = 6 + result.tokens_reused;
  result = MustRetrieve(request);
  ASSERT_EQ(result.passages.size(), 2u);
  EXPECT_TRUE(result.passages[0].already_in_context);
  EXPECT_EQ(result.passages[0].token_count, 0);
  EXPECT_EQ(result.passages[1].chunk_ids, (std::vector<int64_t>{a_[1]}));
  EXPECT_EQ(result.tokens_used, 6);
  EXPECT_TRUE(result.dropped.empty());
}

TEST_F(RetrieverTest, BudgetDropsWhatDoesNotFit) {
  WordCounter counter;
  RetrievalRequest request = Request("cherry", 2, 2);
  request.chat_counter = &counter;
  request.budget_tokens = 8;  // b0 costs 4 + 3 = 7; a1 would cost 6 more
  const RetrievalResult result = MustRetrieve(request);
  ASSERT_EQ(result.passages.size(), 1u);
  EXPECT_EQ(result.tokens_used, 7);
  ASSERT_EQ(result.dropped.size(), 1u);
  EXPECT_EQ(result.dropped[0].chunk_id, a_[1]);
  EXPECT_EQ(result.dropped[0].reason, DropReason::kOverBudget);
  EXPECT_EQ(result.dropped[0].token_count, 6);
}

TEST_F(RetrieverTest, WorkspaceWithoutEmbedderIsSearchedLexically) {
  RetrievalRequest request = Request("cherry", 2, 4);
  request.workspace.settings.embedder = "";
  const SearchResult result = MustSearch(request);
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{b_[0]}));
  EXPECT_NE(result.note.find("lexical only"), std::string::npos);
  EXPECT_EQ(embedder_.calls, 0);

  retriever_ = NewRetriever(nullptr, nullptr);
  const SearchResult without = MustSearch(Request("cherry", 2, 4));
  EXPECT_EQ(Ids(without), (std::vector<int64_t>{b_[0]}));
  EXPECT_NE(without.note.find("no embedder"), std::string::npos);
}

TEST_F(RetrieverTest, WorkspaceWithoutVectorsSaysSo) {
  auto other = WorkspaceTable(db()).Get(MakeWorkspace("bare"));
  ASSERT_TRUE(other.ok());
  const int64_t document = MakeDocument(other->id, 'd');
  ASSERT_TRUE(ChunkTable(db()).InsertBatch(document, {Chunk(0, "cherry tart")}).ok());
  RetrievalRequest request = Request("cherry", 2, 4);
  request.workspace = *other;
  const SearchResult result = MustSearch(request);
  ASSERT_EQ(result.hits.size(), 1u);
  EXPECT_EQ(result.hits[0].chunk.text, "cherry tart");
  EXPECT_NE(result.note.find("no vectors"), std::string::npos);
}

TEST_F(RetrieverTest, RepeatedQueryIsEmbeddedOnce) {
  SearchResult first = MustSearch(Request("cherry", 2, 2));
  SearchResult second = MustSearch(Request("cherry", 2, 2));
  EXPECT_EQ(embedder_.calls, 1);
  EXPECT_FALSE(first.timings.query_embed_cached);
  EXPECT_TRUE(second.timings.query_embed_cached);
  EXPECT_EQ(Ids(first), Ids(second));
  EXPECT_EQ(retriever_->query_cache().hits(), 1u);
  MustSearch(Request("apple", 2, 2));
  EXPECT_EQ(embedder_.calls, 2);
}

TEST_F(RetrieverTest, BadRequestsAreRefused) {
  for (RetrievalRequest request :
       {Request("   \n", 2, 2), Request("cherry", 0, 2), Request("cherry", 2, 0)}) {
    auto result = retriever_->Retrieve(request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << result.status();
  }
  RetrievalRequest request = Request("cherry", 2, 2);
  request.budget_tokens = -5;
  EXPECT_EQ(retriever_->Retrieve(request).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(embedder_.calls, 0);
}

TEST_F(RetrieverTest, EmbedderFailureIsAnErrorAndNotCached) {
  auto result = retriever_->Search(Request("unknown query", 2, 2));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(retriever_->query_cache().size(), 0u);
}

TEST_F(RetrieverTest, ConcurrentCallsAgree) {
  const std::vector<int64_t> expected = Ids(MustSearch(Request("cherry", 2, 2)));
  std::vector<std::thread> threads;
  std::atomic<int> agreeing{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto result = retriever_->Search(Request(i % 2 ? "cherry" : "apple", 2, 2));
        if (result.ok() && (i % 2 == 0 || Ids(*result) == expected)) ++agreeing;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(agreeing, 20);
}

TEST(RetrieverOptionsTest, LexicalRunsBesideTheEmbeddingOnlyOnCoresTheEmbedderLeavesFree) {
  struct Case {
    int cores, embedder_threads;
    bool beside;
    int lexical_threads;
  };
  for (const Case& c : {Case{2, 0, false, 1}, Case{2, 2, false, 1}, Case{2, 8, false, 1},
                        Case{8, 0, false, 7}, Case{8, 6, true, 2}, Case{8, 1, true, 7},
                        Case{1, 0, false, 1}, Case{0, 0, false, 1}}) {
    const RetrieverOptions options = RetrieverOptionsFor(c.cores, c.embedder_threads);
    EXPECT_EQ(options.lexical_beside_embedding, c.beside) << c.cores << " " << c.embedder_threads;
    EXPECT_EQ(options.lexical.threads, c.lexical_threads) << c.cores << " " << c.embedder_threads;
  }
}

// The lexical index opens on the first search, so whether it is open while
// the query is embedded tells whether BM25 started before the embedding.
TEST_F(RetrieverTest, BySharedCoresTheQueryIsEmbeddedBeforeBm25Starts) {
  RetrieverOptions options;
  options.lexical_beside_embedding = false;
  options.lexical = {.threads = 2, .min_part_chunks = 1};
  retriever_ = NewRetriever(&embedder_, &reranker_, options);
  std::atomic<int> open_during_embed{0};
  embedder_.on_embed = [&] { open_during_embed += LexicalIndexOpen() ? 1 : 0; };
  const SearchResult result = MustSearch(Request("cherry", 2, 2));
  EXPECT_EQ(embedder_.calls, 1);
  EXPECT_EQ(open_during_embed, 0);
  EXPECT_TRUE(LexicalIndexOpen());
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{b_[0], a_[1]}));
  EXPECT_EQ(result.counts.lexical, 1);
}

TEST_F(RetrieverTest, WithSpareCoresBm25RunsWhileTheQueryIsEmbedded) {
  RetrieverOptions options;
  options.lexical_beside_embedding = true;
  retriever_ = NewRetriever(&embedder_, &reranker_, options);
  std::atomic<bool> saw_open{false};
  embedder_.on_embed = [&] {  // waits (10 s at most) for BM25 to open the index
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!LexicalIndexOpen() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    saw_open = LexicalIndexOpen();
  };
  const SearchResult result = MustSearch(Request("cherry", 2, 2));
  EXPECT_TRUE(saw_open);
  EXPECT_EQ(Ids(result), (std::vector<int64_t>{b_[0], a_[1]}));
}

TEST_F(RetrieverTest, BothOrdersAndBm25SplitsGiveTheSameResults) {
  std::vector<RetrieverOptions> variants(3);
  variants[0].lexical_beside_embedding = true;
  variants[1].lexical = {.threads = 2, .min_part_chunks = 1};
  variants[2].lexical = {.threads = 3, .min_part_chunks = 2};
  for (const char* query : {"cherry", "apple", "durian", "nothing matches"}) {
    retriever_ = NewRetriever(&embedder_, &reranker_);
    const SearchResult want = MustSearch(Request(query, 3, 4));
    for (const RetrieverOptions& options : variants) {
      retriever_ = NewRetriever(&embedder_, &reranker_, options);
      const SearchResult got = MustSearch(Request(query, 3, 4));
      ASSERT_EQ(Ids(got), Ids(want)) << query;
      for (size_t i = 0; i < got.hits.size(); ++i) {
        EXPECT_EQ(got.hits[i].found_by, want.hits[i].found_by) << query;
        EXPECT_EQ(got.hits[i].lexical_score, want.hits[i].lexical_score) << query;
      }
    }
  }
}

TEST_F(RetrieverTest, CancelledBeforeStartIsCancelled) {
  std::stop_source stop;
  stop.request_stop();
  auto result = retriever_->Retrieve(Request("cherry", 2, 2), stop.get_token());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(embedder_.calls, 0);
}

}  // namespace
}  // namespace hearth
