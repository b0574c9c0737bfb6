#include "rag/lexical_index.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rag/bm25.h"
#include "rag/lexical_tokenizer.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> TermsOf(std::string_view text) {
  TermScanner scanner(text);
  std::vector<std::string> terms;
  std::string_view term;
  while (scanner.Next(&term)) terms.emplace_back(term);
  return terms;
}

// A corpus kept beside the index and scored the obvious way: every chunk,
// every query term, BM25 from counts over the chunks the statistics count
// (removed ones too until a compaction, as the index documents).
struct Corpus {
  struct Doc {
    int64_t id;
    std::map<std::string, int> frequencies;
    size_t length;
  };
  struct Stats {
    double n = 0, total = 0;
    std::map<std::string, double> df;
  };
  std::vector<Doc> docs;
  std::vector<bool> live;     // may be returned
  std::vector<bool> counted;  // in the statistics
  mutable std::optional<Stats> stats;  // of `counted`, computed on demand

  const Stats& Statistics() const {
    if (stats) return *stats;
    stats.emplace();
    for (size_t i = 0; i < docs.size(); ++i) {
      if (!counted[i]) continue;
      ++stats->n;
      stats->total += static_cast<double>(docs[i].length);
      for (const auto& [term, f] : docs[i].frequencies) ++stats->df[term];
    }
    return *stats;
  }

  void Add(int64_t id, std::string_view prefix, std::string_view text) {
    Doc doc{.id = id, .frequencies = {}, .length = 0};
    for (std::string_view part : {prefix, text}) {
      for (const std::string& term : TermsOf(part)) {
        ++doc.frequencies[term];
        ++doc.length;
      }
    }
    docs.push_back(std::move(doc));
    live.push_back(true);
    counted.push_back(true);
    stats.reset();
  }
  // Mirrors the index: compaction once a quarter of the counted are removed.
  void Remove(int64_t id) {
    size_t removed = 0, total = 0;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (docs[i].id == id) live[i] = false;
      if (counted[i]) {
        ++total;
        if (!live[i]) ++removed;
      }
    }
    if (removed * 4 >= total) Compact();
  }
  void Compact() {
    counted = live;
    stats.reset();
  }

  // Distinct query terms in order (no stopwords are generated).
  static std::vector<std::string> QueryTerms(std::string_view query) {
    std::vector<std::string> terms;
    for (const std::string& term : TermsOf(query)) {
      if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(term);
    }
    return terms;
  }

  std::vector<LexicalHit> Top(std::string_view query, size_t k) const {
    const Stats& statistics = Statistics();
    const double n = statistics.n, total = statistics.total;
    const std::vector<std::string> terms = QueryTerms(query);
    std::vector<LexicalHit> hits;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (!live[i]) continue;
      double score = 0;
      bool matched = false;
      for (const std::string& term : terms) {
        auto it = docs[i].frequencies.find(term);
        if (it == docs[i].frequencies.end()) continue;
        matched = true;
        score += Bm25TermScore(Bm25Idf(n, statistics.df.at(term)), it->second,
                               static_cast<double>(docs[i].length), total / n);
      }
      if (matched) hits.push_back({.chunk_id = docs[i].id, .score = score});
    }
    std::sort(hits.begin(), hits.end(), [](const LexicalHit& a, const LexicalHit& b) {
      return a.score > b.score || (a.score == b.score && a.chunk_id < b.chunk_id);
    });
    if (hits.size() > k) hits.resize(k);
    return hits;
  }
};

// Random words of 3-8 letters (none a stopword), drawn Zipf-like so that
// some terms have thousands of postings and many only a few.
class RandomText {
 public:
  explicit RandomText(uint32_t seed, size_t vocabulary = 400) : random_(seed) {
    std::uniform_int_distribution<int> letter('a', 'z'), length(3, 8);
    while (words_.size() < vocabulary) {
      std::string word;
      for (int i = length(random_); i > 0; --i) word += static_cast<char>(letter(random_));
      if (!IsLexicalStopword(word)) words_.push_back(word);
    }
    std::vector<double> weights;
    for (size_t i = 0; i < vocabulary; ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
    zipf_ = std::discrete_distribution<size_t>(weights.begin(), weights.end());
  }
  std::string Words(size_t count) {
    std::string text;
    for (size_t i = 0; i < count; ++i) text += words_[zipf_(random_)] + (i % 9 == 8 ? ". " : " ");
    return text;
  }
  std::string Query() {
    std::uniform_int_distribution<size_t> count(1, 6), any(0, words_.size() - 1);
    std::string text;
    for (size_t i = count(random_); i > 0; --i) text += words_[i % 2 == 0 ? zipf_(random_) : any(random_)] + " ";
    return text;
  }
  size_t Length() { return std::uniform_int_distribution<size_t>(1, 220)(random_); }
  std::mt19937& random() { return random_; }

 private:
  std::mt19937 random_;
  std::vector<std::string> words_;
  std::discrete_distribution<size_t> zipf_;
};

void ExpectSameHits(const std::vector<LexicalHit>& got, const std::vector<LexicalHit>& want,
                    const std::string& query) {
  ASSERT_EQ(got.size(), want.size()) << query;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].chunk_id, want[i].chunk_id) << query << " at " << i;
    EXPECT_DOUBLE_EQ(got[i].score, want[i].score) << query << " at " << i;
  }
}

struct Built {
  LexicalIndex index;
  Corpus corpus;
};

std::unique_ptr<Built> BuildRandom(RandomText& text, size_t docs) {
  auto built = std::make_unique<Built>();
  for (size_t i = 0; i < docs; ++i) {
    const int64_t id = static_cast<int64_t>(3 * i + 1);  // gaps, like deleted chunks
    const std::string prefix = i % 3 == 0 ? text.Words(4) + "\n\n" : "";
    const std::string body = text.Words(text.Length());
    EXPECT_TRUE(built->index.Add(id, prefix, body).ok());
    built->corpus.Add(id, prefix, body);
  }
  return built;
}

TEST(LexicalIndexTest, PrunedTopKEqualsTheExhaustiveTopKOnRandomCorpora) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    RandomText text(seed);
    auto built = BuildRandom(text, 3000);
    EXPECT_EQ(built->index.size(), 3000u);
    for (int q = 0; q < 100; ++q) {
      const std::string query = text.Query();
      const std::vector<LexicalHit> exhaustive = built->corpus.Top(query, 400);
      for (size_t k : {1u, 7u, 50u, 400u}) {
        auto hits = built->index.Search(query, k);
        ASSERT_TRUE(hits.ok()) << hits.status();
        const size_t n = std::min(k, exhaustive.size());
        ExpectSameHits(*hits, {exhaustive.begin(), exhaustive.begin() + static_cast<ptrdiff_t>(n)},
                       query);
      }
    }
  }
}

// A search split by chunk ranges over threads (parts sharing the best k-th
// score any has reached) returns what one whole search does, removed chunks
// included, for every split: 2 parts to 12, parts of unequal finish.
TEST(LexicalIndexTest, SearchSplitOverThreadsEqualsTheExhaustiveTopK) {
  const std::vector<LexicalSearchOptions> splits = {
      {.threads = 2, .min_part_chunks = 1000},  // 2 parts of 1,000
      {.threads = 3, .min_part_chunks = 100},   // 12 parts of 250
      {.threads = 8, .min_part_chunks = 1}};    // 32 parts of 62 or 63
  for (uint32_t seed : {4u, 5u}) {
    RandomText text(seed);
    auto built = BuildRandom(text, 2000);
    for (int64_t id = 1; id < 6000; id += 21) {  // 286 of 2,000: no compaction
      if (built->index.Remove(id)) built->corpus.Remove(id);
    }
    for (int q = 0; q < 60; ++q) {
      const std::string query = text.Query();
      const std::vector<LexicalHit> exhaustive = built->corpus.Top(query, 300);
      for (size_t k : {1u, 10u, 300u}) {
        const size_t n = std::min(k, exhaustive.size());
        for (const LexicalSearchOptions& split : splits) {
          auto hits = built->index.Search(query, k, split);
          ASSERT_TRUE(hits.ok()) << hits.status();
          ExpectSameHits(*hits,
                         {exhaustive.begin(), exhaustive.begin() + static_cast<ptrdiff_t>(n)},
                         query + " (threads " + std::to_string(split.threads) + ")");
        }
      }
    }
  }
}

TEST(LexicalIndexTest, RemovedChunksAreNeverFoundAndCompactionMakesStatisticsExact) {
  RandomText text(4);
  auto built = BuildRandom(text, 2000);
  std::vector<int64_t> keys = built->index.Keys();
  std::shuffle(keys.begin(), keys.end(), text.random());
  const auto expect_agreement = [&] {
    for (int q = 0; q < 40; ++q) {
      const std::string query = text.Query();
      auto hits = built->index.Search(query, 30);
      ASSERT_TRUE(hits.ok());
      ExpectSameHits(*hits, built->corpus.Top(query, 30), query);
    }
  };
  for (size_t i = 0; i < 300; ++i) {  // under a quarter: no compaction yet
    EXPECT_TRUE(built->index.Remove(keys[i]));
    built->corpus.Remove(keys[i]);
  }
  EXPECT_FALSE(built->index.Remove(keys[0]));
  EXPECT_FALSE(built->index.Remove(999999));
  EXPECT_EQ(built->index.size(), 1700u);
  EXPECT_FALSE(built->index.Contains(keys[0]));
  expect_agreement();
  built->index.Compact();
  built->corpus.Compact();
  expect_agreement();
  // Past a quarter removed, compaction runs by itself.
  for (size_t i = 300; i < 800; ++i) {
    EXPECT_TRUE(built->index.Remove(keys[i]));
    built->corpus.Remove(keys[i]);
  }
  std::vector<int64_t> live;
  for (size_t i = 0; i < built->corpus.docs.size(); ++i) {
    if (built->corpus.live[i]) live.push_back(built->corpus.docs[i].id);
  }
  EXPECT_EQ(built->index.Keys(), live);
  expect_agreement();
  // Removing everything leaves an index that finds nothing.
  for (int64_t id : built->index.Keys()) built->index.Remove(id);
  EXPECT_EQ(built->index.size(), 0u);
  EXPECT_EQ(built->index.term_count(), 0u);
  auto none = built->index.Search(text.Query(), 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(LexicalIndexTest, ScoresAreBm25OfTheTextAndThePrefix) {
  LexicalIndex index;
  ASSERT_TRUE(index.Add(1, "Tax guide\n\n", "deductions deductions income").ok());
  ASSERT_TRUE(index.Add(2, "", "income statement").ok());
  ASSERT_TRUE(index.Add(3, "", "weather report today").ok());
  auto hits = index.Search("tax deductions", 10);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  // N 3, lengths 5, 2, 3 (mean 10/3); "tax" and "deduct" each in one chunk.
  const double idf = std::log(1.0 + (3 - 1 + 0.5) / (1 + 0.5));
  const double norm = 1.2 * (1 - 0.75 + 0.75 * 5 / (10.0 / 3));
  const double expected = idf * 1 * 2.2 / (1 + norm) + idf * 2 * 2.2 / (2 + norm);
  EXPECT_EQ((*hits)[0].chunk_id, 1);
  EXPECT_NEAR((*hits)[0].score, expected, 1e-12);
  // Stemming joins forms; ties go to the lower id.
  ASSERT_TRUE(index.Add(4, "", "incomes statements").ok());
  auto tied = index.Search("Income statements", 10);
  ASSERT_TRUE(tied.ok());
  ASSERT_EQ(tied->size(), 3u);
  EXPECT_EQ((*tied)[0].chunk_id, 2);
  EXPECT_EQ((*tied)[1].chunk_id, 4);
  EXPECT_DOUBLE_EQ((*tied)[0].score, (*tied)[1].score);
}

TEST(LexicalIndexTest, AddTakesIdsInOrderAndIgnoresRepeats) {
  LexicalIndex index;
  ASSERT_TRUE(index.Add(5, "", "alpha beta").ok());
  ASSERT_TRUE(index.Add(9, "", "gamma").ok());
  EXPECT_TRUE(index.Add(5, "", "something else").ok());  // already held
  EXPECT_EQ(index.Add(7, "", "late").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(index.Add(0, "", "zero").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add(-3, "", "negative").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Keys(), (std::vector<int64_t>{5, 9}));
  EXPECT_EQ(index.term_count(), 3u);
  EXPECT_TRUE(index.Search("late something", 5)->empty());
  // A chunk with no words is held, and found by nothing.
  ASSERT_TRUE(index.Add(10, "", "!!! ... ???").ok());
  EXPECT_TRUE(index.Contains(10));
}

TEST(LexicalIndexTest, StopwordsCountOnlyWhenTheQueryHasNothingElse) {
  LexicalIndex index;
  ASSERT_TRUE(index.Add(1, "", "the the the the cat").ok());
  ASSERT_TRUE(index.Add(2, "", "dog").ok());
  auto content = index.Search("the dog", 10);
  ASSERT_TRUE(content.ok());
  ASSERT_EQ(content->size(), 1u);
  EXPECT_EQ((*content)[0].chunk_id, 2);
  auto only_stopwords = index.Search("The, of THE", 10);
  ASSERT_TRUE(only_stopwords.ok());
  ASSERT_EQ(only_stopwords->size(), 1u);
  EXPECT_EQ((*only_stopwords)[0].chunk_id, 1);
}

TEST(LexicalIndexTest, HostileQueriesAreBoundedAndClear) {
  LexicalIndex index;
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(index.Add(i + 1, "", "word" + std::to_string(i) + "x common").ok());
  }
  for (const std::string query : {"", "   \t\n", "!!! ??? ... ---", "\xFF\xFE\xC3", "zzz"}) {
    auto hits = index.Search(query, 10);
    ASSERT_TRUE(hits.ok()) << hits.status();
    EXPECT_TRUE(hits->empty());
  }
  EXPECT_EQ(index.Search("common", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Search("common", LexicalIndex::kMaxHits + 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(index.Search("common", LexicalIndex::kMaxHits).ok());
  // 10,000 distinct terms: only the first 64 count.
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "word" + std::to_string(i % 100 + (i / 100) * 100) + "x ";
  auto hits = index.Search(many, 1000);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), LexicalIndex::kMaxQueryTerms);
  for (const LexicalHit& hit : *hits) EXPECT_LE(hit.chunk_id, 64);
  // A huge query: only its first kMaxQueryBytes are read.
  const std::string huge = std::string(LexicalIndex::kMaxQueryBytes, ' ') + "common";
  auto past = index.Search(huge, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
  auto within = index.Search("common" + std::string(10 * 1024 * 1024, '!'), 10);
  ASSERT_TRUE(within.ok());
  EXPECT_EQ(within->size(), 10u);
}

class LexicalIndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template = (fs::temp_directory_path() / "hearth-lexical-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(LexicalIndexFileTest, SaveThenOpenGivesTheSameIndex) {
  RandomText text(5);
  auto built = BuildRandom(text, 1500);
  built->index.Remove(4);
  built->index.Remove(7);
  const fs::path path = dir_ / "ws-1-lexical.hlx";
  ASSERT_TRUE(built->index.Save(path, 1234).ok());
  int64_t sequence = 0;
  auto opened = LexicalIndex::Open(path, &sequence);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(sequence, 1234);
  EXPECT_EQ((*opened)->Keys(), built->index.Keys());
  EXPECT_EQ((*opened)->term_count(), built->index.term_count());
  for (int q = 0; q < 40; ++q) {
    const std::string query = text.Query();
    auto want = built->index.Search(query, 20);
    auto got = (*opened)->Search(query, 20);
    ASSERT_TRUE(want.ok() && got.ok());
    ExpectSameHits(*got, *want, query);
  }
  // It keeps growing after a reload.
  ASSERT_TRUE((*opened)->Add(100000, "", "brandnew").ok());
  EXPECT_EQ((*(*opened)->Search("brandnew", 5))[0].chunk_id, 100000);
  // An empty index saves and opens too.
  LexicalIndex empty;
  ASSERT_TRUE(empty.Save(dir_ / "empty.hlx", 0).ok());
  auto reopened = LexicalIndex::Open(dir_ / "empty.hlx", &sequence);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->size(), 0u);
}

TEST_F(LexicalIndexFileTest, BadFilesAreRefusedWithAClearError) {
  RandomText text(6);
  auto built = BuildRandom(text, 300);
  const fs::path path = dir_ / "index.hlx";
  ASSERT_TRUE(built->index.Save(path, 7).ok());
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto open_bytes = [&](const std::string& content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    int64_t sequence = 0;
    return LexicalIndex::Open(path, &sequence).status();
  };
  int64_t sequence = 0;
  EXPECT_EQ(LexicalIndex::Open(dir_ / "missing.hlx", &sequence).status().code(),
            StatusCode::kNotFound);
  for (const std::string& bad :
       {std::string(), bytes.substr(0, 40), bytes.substr(0, bytes.size() - 1), "X" + bytes.substr(1)}) {
    const Status status = open_bytes(bad);
    EXPECT_EQ(status.code(), StatusCode::kInternal) << bad.size();
    EXPECT_NE(status.message().find("corrupt"), std::string::npos) << status;
  }
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x10);
  const Status checksum = open_bytes(flipped);
  EXPECT_EQ(checksum.code(), StatusCode::kInternal);
  EXPECT_NE(checksum.message().find("checksum"), std::string::npos) << checksum;
  std::string version = bytes;
  version[8] = 9;
  EXPECT_EQ(open_bytes(version).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(open_bytes(bytes).ok());
}

}  // namespace
}  // namespace hearth
